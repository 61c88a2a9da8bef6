/*
 * acm_types.c: AWS::CertificateManager::Certificate. Validates the properties, then issues
 * the certificate with the local CA once its validation has happened, the way CloudFormation
 * waits for ACM:
 *
 * - DNS: each name's validation CNAME (acm_validation_record) must be in a hosted zone. With
 *   a DomainValidationOptions HostedZoneId, CloudFormation writes it into that zone, and so
 *   does frontgate (State.ValidationRecords, for the Route 53 side to answer). Without one,
 *   some deployed record set (or another certificate's written record) must hold it.
 * - EMAIL: issued when Metadata.Frontgate.Approved is true (someone clicked the link).
 * - Metadata.Frontgate.CertificatePem / PrivateKeyPem / ChainPem: an imported certificate.
 * - CertificateAuthorityArn: a private certificate, issued at once (by the local CA).
 *
 * Hosted zones and record sets are read from the world's resource documents (the shared
 * model), not from the route53 module. Nothing that is not validated is issued: the
 * deployment fails, naming the missing record.
 */
#include "acm/acm_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DAY_MS (86400LL * 1000)
#define MAX_NAMES 100

static const cJSON *item(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define acm_err(c, err, prop, ...) \
	stack_handler_err(c, err, "Acm", 400, "ValidationException", prop, __VA_ARGS__)

/* ------------------------------------------------------------- checking */

static const char domain_pattern[] =
	"^(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}"
	"[A-Za-z0-9])$";

/* ACM's domain pattern (above), written out. */
static bool domain_ok(const char *s)
{
	size_t labels = 0;

	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	if (strlen(s) > 253)
		return false;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);

		if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
			return false;
		for (size_t i = 0; i < n; i++) {
			if (!isalnum((unsigned char)s[i]) && s[i] != '-')
				return false;
		}
		labels++;
		if (dot == NULL)
			break;
		s = dot + 1;
		if (*s == '\0')
			return false;
	}
	return labels >= 2;
}

static int check_domain(struct stack_rctx *c, const char *prop, const char *field,
			const char *v, struct fg_err *err)
{
	if (domain_ok(v))
		return 0;
	return acm_err(c, err, prop,
		       "1 validation error detected: Value '%.300s' at '%s' failed to satisfy "
		       "constraint: Member must satisfy regular expression pattern: %s", v, field,
		       domain_pattern);
}

static int check_enum(struct stack_rctx *c, const cJSON *props, const char *k,
		      const char *const *allowed, struct fg_err *err)
{
	const char *v = NULL;

	if (stack_opt_str(c, props, k, k, &v, err) != 0)
		return -1;
	if (v == NULL)
		return 0;
	for (; *allowed != NULL; allowed++) {
		if (strcmp(v, *allowed) == 0)
			return 0;
	}
	return stack_schema_err(c, err, k, "#/%s: %s is not a valid enum value", k, v);
}

static int check_string_array(struct stack_rctx *c, const cJSON *v, const char *k,
			      struct fg_err *err)
{
	const cJSON *it;
	int i = 0;

	if (v == NULL)
		return 0;
	if (!cJSON_IsArray(v))
		return stack_schema_err(c, err, k, "#/%s: expected type: JSONArray, found: %s", k,
					stack_json_kind(v));
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it))
			return stack_schema_err(c, err, k, "#/%s/%d: expected type: String, found: %s",
						k, i, stack_json_kind(it));
		i++;
	}
	return 0;
}

static int check_dvos(struct stack_rctx *c, const cJSON *dvos, struct fg_err *err)
{
	static const char *const keys[] = { "DomainName", "HostedZoneId", "ValidationDomain" };
	const cJSON *o, *f;
	int i = 0;

	if (dvos == NULL)
		return 0;
	if (!cJSON_IsArray(dvos))
		return stack_schema_err(c, err, "DomainValidationOptions",
					"#/DomainValidationOptions: expected type: JSONArray, "
					"found: %s", stack_json_kind(dvos));
	cJSON_ArrayForEach(o, dvos) {
		char where[64];

		snprintf(where, sizeof(where), "DomainValidationOptions.%d", i);
		if (!cJSON_IsObject(o))
			return stack_schema_err(c, err, where, "#/DomainValidationOptions/%d: expected "
						"type: JSONObject, found: %s", i, stack_json_kind(o));
		if (item(o, "DomainName") == NULL)
			return stack_schema_err(c, err, where, "#/DomainValidationOptions/%d: required "
						"key [DomainName] not found", i);
		cJSON_ArrayForEach(f, o) {
			bool known = false;

			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
				known = known || strcmp(f->string, keys[k]) == 0;
			if (!known)
				return stack_schema_err(c, err, where, "#/DomainValidationOptions/%d: "
							"extraneous key [%s] is not permitted", i,
							f->string);
			if (!cJSON_IsString(f))
				return stack_schema_err(c, err, where, "#/DomainValidationOptions/%d/%s: "
							"expected type: String, found: %s", i,
							f->string, stack_json_kind(f));
		}
		if (check_domain(c, where, "domainValidationOptions.domainName",
				 str(o, "DomainName"), err) != 0)
			return -1;
		i++;
	}
	return 0;
}

static int check_tags(struct stack_rctx *c, const cJSON *tags, struct fg_err *err)
{
	const cJSON *t;
	int i = 0;

	if (tags == NULL)
		return 0;
	if (!cJSON_IsArray(tags))
		return stack_schema_err(c, err, "Tags", "#/Tags: expected type: JSONArray, found: %s",
					stack_json_kind(tags));
	cJSON_ArrayForEach(t, tags) {
		if (!cJSON_IsString(item(t, "Key")) || !cJSON_IsString(item(t, "Value")))
			return stack_schema_err(c, err, "Tags", "#/Tags/%d: required key [%s] not "
						"found", i, cJSON_IsString(item(t, "Key")) ? "Value"
											: "Key");
		i++;
	}
	return 0;
}

static int validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const keys[] = { "CertificateAuthorityArn", "CertificateExport",
		"CertificateTransparencyLoggingPreference", "DomainName", "DomainValidationOptions",
		"KeyAlgorithm", "SubjectAlternativeNames", "Tags", "ValidationMethod", NULL };
	static const char *const methods[] = { "DNS", "EMAIL", NULL };
	static const char *const algs[] = { "RSA_2048", "EC_prime256v1", "EC_secp384r1", NULL };
	static const char *const ct[] = { "ENABLED", "DISABLED", NULL };
	const char *domain;
	const cJSON *f, *san = item(props, "SubjectAlternativeNames");
	int i = 0;

	cJSON_ArrayForEach(f, props) {
		bool known = false;

		for (size_t k = 0; keys[k] != NULL; k++)
			known = known || strcmp(f->string, keys[k]) == 0;
		if (!known)
			return stack_schema_err(c, err, f->string,
						"#: extraneous key [%s] is not permitted", f->string);
	}
	if (stack_need_str(c, props, "DomainName", &domain, err) != 0 ||
	    check_domain(c, "DomainName", "domainName", domain, err) != 0 ||
	    check_string_array(c, san, "SubjectAlternativeNames", err) != 0 ||
	    check_enum(c, props, "ValidationMethod", methods, err) != 0 ||
	    check_enum(c, props, "KeyAlgorithm", algs, err) != 0 ||
	    check_enum(c, props, "CertificateTransparencyLoggingPreference", ct, err) != 0 ||
	    check_dvos(c, item(props, "DomainValidationOptions"), err) != 0 ||
	    check_tags(c, item(props, "Tags"), err) != 0)
		return -1;
	if (cJSON_GetArraySize(san) >= MAX_NAMES)
		return stack_handler_err(c, err, "Acm", 400, "LimitExceededException",
					 "SubjectAlternativeNames",
					 "Cannot request more than %d domain names per certificate",
					 MAX_NAMES);
	cJSON_ArrayForEach(f, san) {
		char where[64];

		snprintf(where, sizeof(where), "SubjectAlternativeNames.%d", i++);
		if (check_domain(c, where, "subjectAlternativeNames", f->valuestring, err) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- names */

struct names {
	const char *v[MAX_NAMES + 1];
	size_t n;
};

/* DomainName, then each SubjectAlternativeName not already named (case-insensitive). */
static void names_of(const cJSON *props, struct names *nm)
{
	const cJSON *it;

	nm->n = 0;
	nm->v[nm->n++] = str(props, "DomainName");
	cJSON_ArrayForEach(it, item(props, "SubjectAlternativeNames")) {
		bool dup = false;

		for (size_t i = 0; i < nm->n; i++)
			dup = dup || strcasecmp(nm->v[i], it->valuestring) == 0;
		if (!dup && nm->n <= MAX_NAMES)
			nm->v[nm->n++] = it->valuestring;
	}
}

static void norm(const char *in, char *out, size_t n)
{
	size_t len;

	snprintf(out, n, "%s", in ? in : "");
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	len = strlen(out);
	if (len > 0 && out[len - 1] == '.')
		out[len - 1] = '\0';
}

static bool same_name(const char *a, const char *b)
{
	char x[320], y[320];

	norm(a, x, sizeof(x));
	norm(b, y, sizeof(y));
	return strcmp(x, y) == 0;
}

/* ---------------------------------------------------- the shared model */

typedef bool (*visit_f)(const cJSON *res, void *arg);

/* Every resource: this stack's deployed so far in this change, then the world's. */
static const cJSON *visit(const struct stack_rctx *c, visit_f f, void *arg)
{
	const cJSON *r, *doc;

	cJSON_ArrayForEach(r, c->deployed) {
		if (f(r, arg))
			return r;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		cJSON_ArrayForEach(r, item(doc, "Resources")) {
			if (f(r, arg))
				return r;
		}
	}
	return NULL;
}

static const char *zone_id_of(const char *id)
{
	return strncmp(id, "/hostedzone/", 12) == 0 ? id + 12 : id;
}

static bool is_zone(const cJSON *r, void *arg)
{
	return strcmp(str(r, "Type"), "AWS::Route53::HostedZone") == 0 &&
	       strcmp(str(r, "PhysicalId"), (const char *)arg) == 0;
}

struct rec_query {
	const char *name, *value;
};

static bool rr_has(const cJSON *rs, const struct rec_query *q)
{
	const cJSON *v;

	if (!same_name(str(rs, "Name"), q->name) || str(rs, "Type") == NULL ||
	    strcasecmp(str(rs, "Type"), "CNAME") != 0)
		return false;
	cJSON_ArrayForEach(v, item(rs, "ResourceRecords")) {
		if (cJSON_IsString(v) && same_name(v->valuestring, q->value))
			return true;
	}
	return false;
}

/* A record set, a record set group, or another certificate's written record holding q. */
static bool holds_record(const cJSON *r, void *arg)
{
	const struct rec_query *q = arg;
	const char *type = str(r, "Type");
	const cJSON *it;

	if (strcmp(type, "AWS::Route53::RecordSet") == 0)
		return rr_has(item(r, "Properties"), q);
	if (strcmp(type, "AWS::Route53::RecordSetGroup") == 0) {
		cJSON_ArrayForEach(it, item(item(r, "Properties"), "RecordSets")) {
			if (rr_has(it, q))
				return true;
		}
	}
	if (strcmp(type, ACM_TYPE) == 0) {
		cJSON_ArrayForEach(it, item(item(r, "State"), "ValidationRecords")) {
			if (same_name(str(it, "Name"), q->name) &&
			    same_name(str(it, "Value"), q->value))
				return true;
		}
	}
	return false;
}

/* --------------------------------------------------------- validation */

struct dv {
	const char *name;                  /* as the certificate names it */
	char base[256];                    /* without "*.", lower case */
	char rname[320], rvalue[128];
	const char *zone;                  /* HostedZoneId the record is written to, or NULL */
	const char *vdomain;
	bool ok;
};

/* The DomainValidationOptions entry for a name (its own, or its wildcard's / apex's). */
static const cJSON *dvo_for(const cJSON *props, const struct dv *d)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, item(props, "DomainValidationOptions")) {
		if (same_name(str(o, "DomainName"), d->name))
			return o;
	}
	cJSON_ArrayForEach(o, item(props, "DomainValidationOptions")) {
		const char *n = str(o, "DomainName");

		if (same_name(strncmp(n, "*.", 2) == 0 ? n + 2 : n, d->base))
			return o;
	}
	return NULL;
}

/* Writes the record into its zone, as CloudFormation does; -1 when the zone cannot take it. */
static int write_record(struct stack_rctx *c, struct dv *d, const char *zone_id, int i,
			struct fg_err *err)
{
	const cJSON *zone = visit(c, is_zone, (void *)zone_id_of(zone_id));
	char zname[320], where[64];
	size_t zl, bl;

	snprintf(where, sizeof(where), "DomainValidationOptions.%d.HostedZoneId", i);
	if (zone == NULL)
		return stack_handler_err(c, err, "Route53", 404, "NoSuchHostedZone", where,
					 "No hosted zone found with ID: %s", zone_id_of(zone_id));
	norm(str(item(zone, "Properties"), "Name"), zname, sizeof(zname));
	zl = strlen(zname);
	bl = strlen(d->base);
	if (zl == 0 || !(strcmp(zname, d->base) == 0 ||
			 (bl > zl && d->base[bl - zl - 1] == '.' &&
			  strcmp(d->base + bl - zl, zname) == 0)))
		return stack_handler_err(c, err, "Route53", 400, "InvalidChangeBatch", where,
					 "[RRSet with DNS name %s is not permitted in zone %s.]",
					 d->rname, zname);
	d->zone = zone_id_of(zone_id);
	d->ok = true;
	return 0;
}

static int check_dns(struct stack_rctx *c, const cJSON *props, struct dv *d, struct fg_err *err)
{
	const cJSON *o = dvo_for(props, d);
	struct rec_query q = { d->rname, d->rvalue };

	if (o != NULL && str(o, "HostedZoneId") != NULL) {
		int i = 0;
		const cJSON *it;

		cJSON_ArrayForEach(it, item(props, "DomainValidationOptions")) {
			if (it == o)
				break;
			i++;
		}
		return write_record(c, d, str(o, "HostedZoneId"), i, err);
	}
	d->ok = visit(c, holds_record, &q) != NULL;
	return 0;
}

static bool approved(const struct stack_rctx *c)
{
	const cJSON *v = item(item(c->metadata, "Frontgate"), "Approved");

	return cJSON_IsTrue(v) || (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0);
}

static int pending_err(struct stack_rctx *c, const char *method, const struct dv *d,
		       int waited, struct fg_err *err)
{
	if (strcmp(method, "EMAIL") == 0)
		fg_err_set(err, 400, "NotStabilized",
			   "Certificate for %s is PENDING_VALIDATION: the validation e-mail for "
			   "%s (to admin@%s and the other addresses ACM writes to) was not "
			   "approved. frontgate approves it when the resource has "
			   "Metadata.Frontgate.Approved: true (waited %d s; --fidelity "
			   "acm.validation-wait=SECONDS)",
			   d->name, d->name, d->vdomain, waited);
	else
		fg_err_set(err, 400, "NotStabilized",
			   "Certificate for %s is PENDING_VALIDATION: its DNS validation record %s "
			   "CNAME %s is in no hosted zone frontgate serves. Create that record "
			   "(AWS::Route53::RecordSet), or give DomainValidationOptions a "
			   "HostedZoneId for %s so it is written for you (waited %d s; --fidelity "
			   "acm.validation-wait=SECONDS)",
			   d->name, d->rname, d->rvalue, d->name, waited);
	fg_err_at(err, c->logical_id, NULL);
	{
		char path[256];

		snprintf(path, sizeof(path), "Resources.%s.Properties.DomainValidationOptions",
			 c->logical_id);
		fg_err_at(err, NULL, path);
	}
	return -1;
}

/* Validates every name; fills dvs. -1 with the error naming the first pending record. */
static int validate_names(struct stack_rctx *c, const cJSON *props, const struct names *nm,
			  struct dv *dvs, const char *method, struct fg_err *err)
{
	struct acm *a = c->svc;
	int waited = 0;

	for (int round = 0; round < 2; round++) {
		size_t pending = SIZE_MAX;

		for (size_t i = 0; i < nm->n; i++) {
			struct dv *d = &dvs[i];
			const cJSON *o;

			memset(d, 0, sizeof(*d));
			d->name = nm->v[i];
			norm(strncmp(d->name, "*.", 2) == 0 ? d->name + 2 : d->name, d->base,
			     sizeof(d->base));
			acm_validation_record(c->account, d->name, d->rname, d->rvalue);
			o = dvo_for(props, d);
			d->vdomain = o && str(o, "ValidationDomain") ? str(o, "ValidationDomain")
								       : d->base;
			if (strcmp(method, "EMAIL") == 0)
				d->ok = approved(c);
			else if (check_dns(c, props, d, err) != 0)
				return -1;
			if (!d->ok && pending == SIZE_MAX)
				pending = i;
		}
		if (pending == SIZE_MAX)
			return 0;
		if (round == 1 || a->validation_wait_s == 0)
			return pending_err(c, method, &dvs[pending], waited, err);
		/* as CloudFormation waits for ACM; nothing else changes the state meanwhile */
		{
			struct timespec ts = { a->validation_wait_s, 0 };

			nanosleep(&ts, NULL);
			waited = a->validation_wait_s;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- issuing */

static void add_iso(cJSON *st, const char *k, int64_t ms)
{
	char iso[21];

	fg_time_iso(ms, iso);
	cJSON_AddStringToObject(st, k, iso);
}

static void add_validation(cJSON *st, const struct dv *dvs, size_t n, const char *method)
{
	cJSON *opts = cJSON_AddArrayToObject(st, "DomainValidationOptions");
	cJSON *recs = cJSON_AddArrayToObject(st, "ValidationRecords");

	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject(), *rr;

		cJSON_AddStringToObject(o, "DomainName", dvs[i].name);
		cJSON_AddStringToObject(o, "ValidationDomain", dvs[i].vdomain);
		cJSON_AddStringToObject(o, "ValidationMethod", method);
		cJSON_AddStringToObject(o, "ValidationStatus", "SUCCESS");
		if (strcmp(method, "DNS") == 0) {
			rr = cJSON_AddObjectToObject(o, "ResourceRecord");
			cJSON_AddStringToObject(rr, "Name", dvs[i].rname);
			cJSON_AddStringToObject(rr, "Type", "CNAME");
			cJSON_AddStringToObject(rr, "Value", dvs[i].rvalue);
		}
		cJSON_AddItemToArray(opts, o);
		if (dvs[i].zone == NULL)
			continue;
		/* a wildcard and its apex share one record: write it once */
		for (size_t k = 0; k < i; k++) {
			if (dvs[k].zone && strcmp(dvs[k].rname, dvs[i].rname) == 0)
				goto next;
		}
		rr = cJSON_CreateObject();
		cJSON_AddStringToObject(rr, "Name", dvs[i].rname);
		cJSON_AddStringToObject(rr, "Type", "CNAME");
		cJSON_AddStringToObject(rr, "Value", dvs[i].rvalue);
		cJSON_AddStringToObject(rr, "HostedZoneId", dvs[i].zone);
		cJSON_AddItemToArray(recs, rr);
next:;
	}
}

/* What st records about a certificate, besides its PEM. */
struct cert_facts {
	char fingerprint[65];
	char serial[41];         /* lower-case hex */
	char key_alg[32];        /* "EC_prime256v1", "RSA_2048", ... */
	int64_t not_before_ms, not_after_ms;
};

static void facts_of(X509 *x, struct cert_facts *f)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *serial = BN_bn2hex(bn);
	char alg[32];

	pki_cert_fingerprint(x, f->fingerprint);
	pki_cert_validity(x, &f->not_before_ms, &f->not_after_ms);
	snprintf(f->key_alg, sizeof(f->key_alg), "%s", pki_cert_key_alg(x, alg));
	for (char *p = serial; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	snprintf(f->serial, sizeof(f->serial), "%s", serial);
	OPENSSL_free(serial);
	BN_free(bn);
}

/* The certificate and key pair described in st; the key goes to the store only. */
static int keep(struct stack_rctx *c, cJSON *st, const char *type, const char *cert_pem,
		const char *chain_pem, const char *key_pem, const struct cert_facts *f,
		struct fg_err *err)
{
	struct acm *a = c->svc;
	char id[80];
	int rc;

	cJSON_AddStringToObject(st, "Type", type);
	cJSON_AddStringToObject(st, "Status", "ISSUED");
	cJSON_AddStringToObject(st, "GeneratedKeyAlgorithm", f->key_alg);
	cJSON_AddStringToObject(st, "CertificatePem", cert_pem);
	cJSON_AddStringToObject(st, "ChainPem", chain_pem ? chain_pem : "");
	cJSON_AddStringToObject(st, "Fingerprint", f->fingerprint);
	cJSON_AddStringToObject(st, "Serial", f->serial);
	add_iso(st, "NotBefore", f->not_before_ms);
	add_iso(st, "NotAfter", f->not_after_ms);
	cJSON_AddNumberToObject(st, "NotBeforeMs", (double)f->not_before_ms);
	cJSON_AddNumberToObject(st, "NotAfterMs", (double)f->not_after_ms);
	snprintf(id, sizeof(id), "key:%s", f->fingerprint);
	rc = fg_store_pki_put(a->deps.store, id, cert_pem, key_pem,
			      fg_clock_now_ms(a->deps.clock), err);
	if (rc != 0)
		fg_err_at(err, c->logical_id, NULL);
	return rc;
}

static int issue(struct stack_rctx *c, const cJSON *props, const struct names *nm, cJSON *st,
		 const char *type, struct fg_err *err)
{
	struct acm *a = c->svc;
	const char *ka = str(props, "KeyAlgorithm");
	enum pki_key_alg alg = PKI_KEY_EC_P256;
	int64_t now = fg_clock_now_ms(a->deps.clock);
	struct pki_issued is;
	struct cert_facts f;
	int rc;

	if (ka != NULL)
		pki_key_alg_parse(ka, &alg);
	else
		stack_warn(c, "KeyAlgorithm is not set: ACM would issue an RSA_2048 key; frontgate "
			   "issued an EC_prime256v1 key (RSA keys take 50-400 ms to make). Set "
			   "KeyAlgorithm: RSA_2048 to get one.");
	cJSON_AddStringToObject(st, "KeyAlgorithm", ka ? ka : "RSA_2048");
	const struct pki_ca *ca = acm_ca(a, err);

	if (ca == NULL || pki_issue(ca, nm->v, nm->n, alg, now, now + ACM_VALIDITY_DAYS * DAY_MS,
				    &is, err) != 0)
		return -1;
	/* what pki_issue just wrote: no need to parse the certificate back */
	snprintf(f.fingerprint, sizeof(f.fingerprint), "%s", is.fingerprint);
	snprintf(f.serial, sizeof(f.serial), "%s", is.serial);
	snprintf(f.key_alg, sizeof(f.key_alg), "%s", pki_key_alg_name(alg));
	f.not_before_ms = is.not_before_ms;
	f.not_after_ms = is.not_after_ms;
	rc = keep(c, st, type, is.cert_pem, "", is.key_pem, &f, err);
	pki_issued_free(&is);
	return rc;
}

static const char *meta_str(const struct stack_rctx *c, const char *k)
{
	return str(item(c->metadata, "Frontgate"), k);
}

/* Metadata.Frontgate.CertificatePem / PrivateKeyPem / ChainPem: ACM's ImportCertificate. */
static int import(struct stack_rctx *c, const struct names *nm, cJSON *st, struct fg_err *err)
{
	const char *cert = meta_str(c, "CertificatePem"), *key = meta_str(c, "PrivateKeyPem");
	const char *chain = meta_str(c, "ChainPem");
	X509 *x = pki_cert_parse(cert);
	EVP_PKEY *k = key ? pki_key_parse(key) : NULL;
	char **cn = NULL;
	size_t ncn = 0;
	int rc = -1;

	if (x == NULL) {
		acm_err(c, err, "", "Unable to parse certificate. Please ensure the certificate is "
			"in PEM format. (Metadata.Frontgate.CertificatePem)");
		goto out;
	}
	if (k == NULL || !pki_key_matches(x, k)) {
		acm_err(c, err, "", "The private key is not supported or does not match the "
			"certificate. (Metadata.Frontgate.PrivateKeyPem)");
		goto out;
	}
	if (chain != NULL && chain[0]) {
		STACK_OF(X509) *sk = pki_certs_parse(chain);

		if (sk == NULL) {
			acm_err(c, err, "", "Unable to parse the certificate chain. "
				"(Metadata.Frontgate.ChainPem)");
			goto out;
		}
		sk_X509_pop_free(sk, X509_free);
	}
	cn = pki_cert_names(x, &ncn);
	for (size_t i = 0; i < nm->n; i++) {
		bool covered = false;

		for (size_t j = 0; j < ncn; j++)
			covered = covered || pki_name_matches(cn[j], nm->v[i]) ||
				  strcasecmp(cn[j], nm->v[i]) == 0;
		if (!covered) {
			acm_err(c, err, "DomainName", "The imported certificate does not cover %s "
				"(it names %s%s)", nm->v[i], ncn ? cn[0] : "nothing",
				ncn > 1 ? " and others" : "");
			goto out;
		}
	}
	cJSON_AddStringToObject(st, "KeyAlgorithm", "");
	cJSON_AddStringToObject(st, "ValidationMethod", "NONE");
	{
		struct cert_facts f;

		facts_of(x, &f);
		rc = keep(c, st, "IMPORTED", cert, chain, key, &f, err);
	}
out:
	pki_names_free(cn, ncn);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

/* ------------------------------------------------------------ callbacks */

/* What decides the certificate: a change in any of it replaces the certificate. */
static void inputs_hash(const struct stack_rctx *c, const cJSON *props, char out[17])
{
	static const char *const keys[] = { "DomainName", "SubjectAlternativeNames",
		"ValidationMethod", "KeyAlgorithm", "DomainValidationOptions",
		"CertificateAuthorityArn" };
	cJSON *o = cJSON_CreateObject();
	const char *parts[2];
	char *text;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *v = item(props, keys[i]);

		if (v != NULL)
			cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(v, true));
	}
	if (item(c->metadata, "Frontgate") != NULL)
		cJSON_AddItemToObject(o, "Frontgate",
				      cJSON_Duplicate(item(c->metadata, "Frontgate"), true));
	text = cJSON_PrintUnformatted(o);
	parts[0] = c->account;
	parts[1] = text;
	snprintf(out, 17, "%016llx", (unsigned long long)fg_hash64(parts, 2));
	free(text);
	cJSON_Delete(o);
}

static void make_arn(const struct stack_rctx *c, const char *hash, char phys[256])
{
	char hex[33];

	stack_derived_id(c, hash, "0123456789abcdef", 32, hex);
	snprintf(phys, 256, "arn:aws:acm:%s:%s:certificate/%.8s-%.4s-%.4s-%.4s-%.12s", c->region,
		 c->account, hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static int build(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		 cJSON *st, const char *hash, struct fg_err *err)
{
	const char *method = str(props, "ValidationMethod") ? str(props, "ValidationMethod")
							    : "EMAIL";
	struct names nm;
	struct dv *dvs;
	int rc;

	names_of(props, &nm);
	if (phys[0] == '\0')
		make_arn(c, hash, phys);
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddStringToObject(st, "DomainName", nm.v[0]);
	{
		cJSON *san = cJSON_AddArrayToObject(st, "SubjectAlternativeNames");

		for (size_t i = 1; i < nm.n; i++)
			cJSON_AddItemToArray(san, cJSON_CreateString(nm.v[i]));
	}
	cJSON_AddStringToObject(st, "InputsHash", hash);
	if (meta_str(c, "CertificatePem") != NULL)
		return import(c, &nm, st, err);
	if (str(props, "CertificateAuthorityArn") != NULL) {
		stack_warn(c, "CertificateAuthorityArn %s: AWS Private CA is not emulated; the "
			   "certificate is issued at once by frontgate's local CA",
			   str(props, "CertificateAuthorityArn"));
		cJSON_AddStringToObject(st, "ValidationMethod", "NONE");
		return issue(c, props, &nm, st, "PRIVATE", err);
	}
	dvs = calloc(nm.n, sizeof(*dvs));
	FG_ASSERT(dvs != NULL);
	rc = validate_names(c, props, &nm, dvs, method, err);
	if (rc == 0) {
		cJSON_AddStringToObject(st, "ValidationMethod", method);
		add_validation(st, dvs, nm.n, method);
		rc = issue(c, props, &nm, st, "AMAZON_ISSUED", err);
	}
	free(dvs);
	return rc;
}

static int create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		  cJSON *st, struct fg_err *err)
{
	char hash[17];

	inputs_hash(c, props, hash);
	return build(c, props, phys, attrs, st, hash, err);
}

/* The same inputs keep the certificate (same ARN, key and fingerprint: a restart that
 * redeploys its fixtures serves what it served); other inputs replace it, with a new ARN. */
static int update(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		  cJSON *st, struct fg_err *err)
{
	const cJSON *prev = item(c->previous, "State"), *it;
	const cJSON *pinned = item(item(c->metadata, "Frontgate"), "Id");
	char hash[17];

	inputs_hash(c, props, hash);
	if (prev != NULL && str(prev, "InputsHash") != NULL &&
	    strcmp(str(prev, "InputsHash"), hash) == 0) {
		cJSON_ArrayForEach(it, prev)
			cJSON_AddItemToObject(st, it->string, cJSON_Duplicate(it, true));
		cJSON_AddStringToObject(attrs, "Id", phys);
		return 0;
	}
	if (!cJSON_IsString(pinned))
		phys[0] = '\0';
	return build(c, props, phys, attrs, st, hash, err);
}

static const struct stack_rtype cert_type = {
	.type = ACM_TYPE,
	.validate = validate,
	.create = create,
	.update = update,
};

void acm_types_register(struct acm *a, struct stack_registry *r)
{
	stack_registry_add(r, &cert_type, a);
}
