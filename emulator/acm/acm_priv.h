/* acm_priv.h: what the acm module's files share (see acm.h). */
#ifndef FG_ACM_PRIV_H
#define FG_ACM_PRIV_H

#include "acm/acm.h"

#define ACM_TYPE "AWS::CertificateManager::Certificate"
#define ACM_VALIDITY_DAYS 395   /* ACM's certificates last 13 months */

/* A cached private key, by the fingerprint of the certificate it belongs to. cert_pem is the
 * certificate served with it: the stored one, or a replacement (see acm_key_for). */
struct acm_key {
	char fp[65];
	char *cert_pem, *key_pem;
	struct acm_key *next;
};

struct acm {
	struct acm_deps deps;
	int validation_wait_s;
	struct fg_certs certs;
	pthread_mutex_t mu;        /* guards keys */
	struct acm_key *keys;
};

/* acm.c: the local CA, or NULL with err set. */
const struct pki_ca *acm_ca(struct acm *a, struct fg_err *err);
/* acm.c: the key of the certificate of State st (copied into arena). */
int acm_key_for(struct acm *a, const cJSON *st, struct fg_arena *arena, const char **cert_pem,
		const char **key_pem);
/* acm_types.c */
void acm_types_register(struct acm *a, struct stack_registry *r);

#endif
