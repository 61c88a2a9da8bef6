/* placeholder */
#include "cfn/cfn.h"
cJSON *cfn_parse(const char *text, size_t len, enum cfn_format fmt, struct fg_err *err)
{ (void)text; (void)len; (void)fmt; fg_err_set(err, 501, "NotEmulated", "cfn_parse is not built yet"); return NULL; }
