/* placeholder */
#include "cfn/cfn.h"
int cfn_prepare(struct cfn_stack *s, struct fg_err *err) { (void)s; fg_err_set(err, 501, "NotEmulated", "not built yet"); return -1; }
cJSON *cfn_eval(struct cfn_stack *s, const cJSON *node, const char *path, struct fg_err *err) { (void)s; (void)node; (void)path; fg_err_set(err, 501, "NotEmulated", "not built yet"); return NULL; }
int cfn_outputs(struct cfn_stack *s, cJSON **o, cJSON **e, struct fg_err *err) { (void)s; (void)o; (void)e; fg_err_set(err, 501, "NotEmulated", "not built yet"); return -1; }
void cfn_stack_fini(struct cfn_stack *s) { (void)s; }
