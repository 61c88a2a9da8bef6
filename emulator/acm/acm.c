/*
 * acm.c: the ACM service object — fidelity switches, the validation-record derivation, and
 * certificates by ARN for the TLS terminator (iface/certs.h), with their keys from the store.
 */
#include "acm/acm_priv.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *item(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ------------------------------------------------------------ validation */

static void sha256_of(const char *a, const char *b, const char *c, unsigned char out[32])
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n = 32;

	EVP_DigestInit_ex(x, EVP_sha256(), NULL);
	EVP_DigestUpdate(x, a, strlen(a) + 1);
	EVP_DigestUpdate(x, b, strlen(b) + 1);
	EVP_DigestUpdate(x, c, strlen(c) + 1);
	EVP_DigestFinal_ex(x, out, &n);
	EVP_MD_CTX_free(x);
}

void acm_validation_record(const char *account, const char *domain, char name[320],
			   char value[128])
{
	unsigned char h1[32], h2[32];
	char base[256], hex1[33], hex2[33], letters[11];
	size_t n;

	if (strncmp(domain, "*.", 2) == 0)
		domain += 2; /* a wildcard and its apex share one record */
	snprintf(base, sizeof(base), "%s", domain);
	n = strlen(base);
	if (n > 0 && base[n - 1] == '.')
		base[--n] = '\0';
	for (char *p = base; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	sha256_of("acm-validation-name", account, base, h1);
	sha256_of("acm-validation-value", account, base, h2);
	for (int i = 0; i < 16; i++) {
		snprintf(hex1 + 2 * i, 3, "%02x", h1[i]);
		snprintf(hex2 + 2 * i, 3, "%02x", h2[i]);
	}
	for (int i = 0; i < 10; i++)
		letters[i] = (char)('a' + h2[16 + i] % 26);
	letters[10] = '\0';
	snprintf(name, 320, "_%s.%s.", hex1, base);
	snprintf(value, 128, "_%s.%s.acm-validations.aws.", hex2, letters);
}

/* ------------------------------------------------------------------- keys */

const struct pki_ca *acm_ca(struct acm *a, struct fg_err *err)
{
	const struct pki_ca *ca = a->deps.ca != NULL ? a->deps.ca(a->deps.ca_arg) : NULL;

	if (ca == NULL)
		fg_err_set(err, 500, "CaUnavailable", "the local CA could not be made or loaded "
			   "(see the log): no certificate can be issued");
	return ca;
}

/*
 * The key of State st's certificate: cached, or from the store. A state document restored
 * from another database names certificates whose keys are not here (keys never leave the
 * database they were made in): those get a replacement certificate for the same names and
 * validity, made once and kept in memory, and the log says so.
 */
int acm_key_for(struct acm *a, const cJSON *st, struct fg_arena *arena, const char **cert_pem,
		const char **key_pem)
{
	const char *fp = str(st, "Fingerprint"), *pem = str(st, "CertificatePem");
	struct acm_key *k;
	char id[80];
	struct fg_err err;
	int rc = 0;

	if (fp == NULL || pem == NULL || strlen(fp) != 64)
		return -1;
	fg_err_clear(&err);
	pthread_mutex_lock(&a->mu);
	for (k = a->keys; k != NULL; k = k->next) {
		if (strcmp(k->fp, fp) == 0)
			goto found;
	}
	k = calloc(1, sizeof(*k));
	FG_ASSERT(k != NULL);
	snprintf(k->fp, sizeof(k->fp), "%s", fp);
	snprintf(id, sizeof(id), "key:%s", fp);
	if (fg_store_pki_get(a->deps.store, id, &k->cert_pem, &k->key_pem, &err) == 0 &&
	    k->key_pem != NULL) {
		free(k->cert_pem);
		k->cert_pem = strdup(pem);
	} else {
		const cJSON *san = item(st, "SubjectAlternativeNames"), *it;
		const char *names[101];
		size_t n = 0;
		enum pki_key_alg alg = PKI_KEY_EC_P256;
		struct pki_issued is;
		const char *ga = str(st, "GeneratedKeyAlgorithm");

		names[n++] = str(st, "DomainName") ? str(st, "DomainName") : "unknown";
		cJSON_ArrayForEach(it, san) {
			if (cJSON_IsString(it) && n < 101)
				names[n++] = it->valuestring;
		}
		if (ga != NULL)
			pki_key_alg_parse(ga, &alg);
		fg_log(a->deps.log, FG_LOG_WARN, "acm",
		       "certificate %s has no key in this database (state restored from another "
		       "one?): serving a replacement for the same names", fp);
		if (acm_ca(a, &err) == NULL ||
		    pki_issue(acm_ca(a, &err), names, n, alg,
			      (int64_t)cJSON_GetNumberValue(item(st, "NotBeforeMs")),
			      (int64_t)cJSON_GetNumberValue(item(st, "NotAfterMs")), &is, &err) != 0) {
			free(k);
			rc = -1;
			goto out;
		}
		free(k->cert_pem);
		free(k->key_pem);
		k->cert_pem = is.cert_pem;
		k->key_pem = is.key_pem;
	}
	k->next = a->keys;
	a->keys = k;
found:
	*cert_pem = fg_arena_strdup(arena, k->cert_pem);
	*key_pem = fg_arena_strdup(arena, k->key_pem);
out:
	pthread_mutex_unlock(&a->mu);
	return rc;
}

/* --------------------------------------------------------- certificates */

static const cJSON *find_cert(const struct stack_world *w, const char *arn)
{
	const cJSON *doc, *r;

	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, item(doc, "Resources")) {
			const char *type = str(r, "Type"), *phys = str(r, "PhysicalId");

			if (type && phys && strcmp(type, ACM_TYPE) == 0 && strcmp(phys, arn) == 0)
				return r;
		}
	}
	return NULL;
}

static void by_arn(void *self, const struct stack_world *w, const char *arn, int64_t now_ms,
		   struct fg_arena *arena, struct fg_cert *out)
{
	struct acm *a = self;
	const cJSON *r = arn != NULL ? find_cert(w, arn) : NULL;
	const cJSON *st = item(r, "State"), *san, *it;
	const char *cert = NULL, *key = NULL, *chain;
	const char **names;
	int n = 0;

	memset(out, 0, sizeof(*out));
	out->status = FG_CERT_NOT_FOUND;
	out->arn = arn;
	if (r == NULL || st == NULL)
		return;
	if (str(st, "Status") == NULL || strcmp(str(st, "Status"), "ISSUED") != 0) {
		out->status = FG_CERT_PENDING_VALIDATION;
		return;
	}
	if (acm_key_for(a, st, arena, &cert, &key) != 0)
		return;
	chain = str(st, "ChainPem");
	out->chain_pem = fg_arena_printf(arena, "%s%s", cert, chain ? chain : "");
	out->key_pem = key;
	san = item(st, "SubjectAlternativeNames");
	names = fg_arena_alloc(arena, ((size_t)cJSON_GetArraySize(san) + 1) * sizeof(*names));
	names[n++] = str(st, "DomainName");
	cJSON_ArrayForEach(it, san) {
		if (cJSON_IsString(it))
			names[n++] = it->valuestring;
	}
	out->names = names;
	out->nnames = n;
	out->not_before_ms = (int64_t)cJSON_GetNumberValue(item(st, "NotBeforeMs"));
	out->not_after_ms = (int64_t)cJSON_GetNumberValue(item(st, "NotAfterMs"));
	out->status = now_ms > out->not_after_ms ? FG_CERT_EXPIRED : FG_CERT_ISSUED;
	{
		char region[64], account[32];

		if (sscanf(arn, "arn:aws:acm:%63[^:]:%31[^:]:", region, account) == 2) {
			out->region = fg_arena_strdup(arena, region);
			out->account = fg_arena_strdup(arena, account);
		}
	}
}

/* ------------------------------------------------------------- service */

struct acm *acm_new(const struct acm_deps *deps)
{
	struct acm *a = calloc(1, sizeof(*a));

	FG_ASSERT(a != NULL);
	a->deps = *deps;
	pthread_mutex_init(&a->mu, NULL);
	a->certs.self = a;
	a->certs.by_arn = by_arn;
	return a;
}

void acm_destroy(struct acm **ap)
{
	struct acm *a = *ap;

	if (a == NULL)
		return;
	while (a->keys != NULL) {
		struct acm_key *k = a->keys;

		a->keys = k->next;
		free(k->cert_pem);
		free(k->key_pem);
		free(k);
	}
	pthread_mutex_destroy(&a->mu);
	free(a);
	*ap = NULL;
}

int acm_set_fidelity(struct acm *a, const char *spec, struct fg_err *err)
{
	const char *v;
	char *end;
	long n;

	if (strncmp(spec, "validation-wait=", 16) != 0) {
		fg_err_set(err, 400, "InvalidArgument",
			   "ACM fidelity switch '%s' is not validation-wait=SECONDS", spec);
		return -1;
	}
	v = spec + 16;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > 3600) {
		fg_err_set(err, 400, "InvalidArgument",
			   "ACM fidelity switch '%s': validation-wait takes 0 to 3600 seconds", spec);
		return -1;
	}
	a->validation_wait_s = (int)n;
	return 0;
}

void acm_register_types(struct acm *a, struct stack_registry *r)
{
	acm_types_register(a, r);
}

const struct fg_certs *acm_certs(struct acm *a)
{
	return &a->certs;
}
