/*
 * tls_ca.c: the database's local CA and frontgate's own per-name certificates (tls.h).
 *
 * The CA (EC P-256) is made the first time a database is opened and kept in the store's
 * pki table; its certificate, never its key, is written to a file clients pass to --cacert.
 * OpenSSL's first use costs a few milliseconds of CPU (its provider tables), so neither
 * making a CA nor parsing a stored one happens on the path to the ready line: a thread of
 * its own does it while start-up goes on, and the first caller that needs the CA waits.
 * A stored CA's file is written from the stored text at once; a new CA's once it is made.
 * Default certificates are issued lazily, on the first handshake for a name, and kept in the
 * store so a restart serves the same certificate. They follow the real clock, not the
 * emulator's: they stand for AWS's own certificates, which are always valid.
 */
#include "tls/tls.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY_MS (86400LL * 1000)

struct leaf_ent {
	char *name;
	struct tls_keypair kp;
	int64_t not_after_ms;
	struct leaf_ent *next;
};

struct tls_ca {
	struct fg_store *store;
	struct fg_log *log;
	struct pki_ca *pki;
	char *file;
	bool temp_file;
	char *db_path;
	char *pem;                  /* the certificate's text, once known */
	pthread_mutex_t gen_mu;     /* guards the fields below */
	pthread_t gen;
	bool generating, done, stored;
	int rc;
	struct fg_err err;
	pthread_mutex_t mu;
	struct leaf_ent *leaves;    /* newest first; replaced ones stay until close (borrowed) */
};

static int load_or_make(struct tls_ca *ca, struct fg_err *err)
{
	char *cert = NULL, *key = NULL;
	int rc = fg_store_pki_get(ca->store, "ca", &cert, &key, err);

	if (rc == 0 && cert != NULL) {
		ca->pki = pki_ca_load(cert, key, err);
		rc = ca->pki ? 0 : -1;
	} else if (rc == 0) {
		unsigned char raw[4];
		char tag[9];

		RAND_bytes(raw, sizeof(raw));
		snprintf(tag, sizeof(tag), "%02x%02x%02x%02x", raw[0], raw[1], raw[2], raw[3]);
		ca->pki = pki_ca_generate(tag, err);
		if (ca->pki == NULL) {
			rc = -1;
		} else {
			char *k = pki_ca_key_pem(ca->pki);

			rc = fg_store_pki_put(ca->store, "ca", pki_ca_cert_pem(ca->pki), k,
					      fg_clock_real_ms(), err);
			OPENSSL_cleanse(k, strlen(k));
			free(k);
		}
	}
	if (key != NULL)
		OPENSSL_cleanse(key, strlen(key));
	free(cert);
	free(key);
	return rc;
}

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s), off = 0;

	while (off < n) {
		ssize_t w = write(fd, s + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* "<db>.ca.pem" next to a file database (atomically replaced); a temporary file otherwise. */
static int write_file(struct tls_ca *ca, const char *db_path, struct fg_err *err)
{
	const char *pem = ca->pem;
	char *tmp;
	int fd;

	if (strcmp(db_path, ":memory:") == 0) {
		const char *dir = getenv("TMPDIR");

		if (dir == NULL || dir[0] == '\0')
			dir = "/tmp";
		tmp = malloc(strlen(dir) + 40);
		sprintf(tmp, "%s/frontgate-ca-XXXXXX.pem", dir);
		fd = mkstemps(tmp, 4);
		ca->file = tmp;
		ca->temp_file = true;
		tmp = NULL;
	} else {
		ca->file = malloc(strlen(db_path) + 8);
		sprintf(ca->file, "%s.ca.pem", db_path);
		tmp = malloc(strlen(ca->file) + 8);
		sprintf(tmp, "%s.tmp", ca->file);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0 || fchmod(fd, 0644) != 0 || write_all(fd, pem) != 0 || close(fd) != 0 ||
	    (tmp != NULL && rename(tmp, ca->file) != 0)) {
		fg_err_set(err, 500, "CaFileError", "cannot write the CA certificate to %s: %s",
			   tmp ? tmp : ca->file, strerror(errno));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static void *gen_main(void *arg)
{
	struct tls_ca *ca = arg;

	ca->rc = load_or_make(ca, &ca->err);
	return NULL;
}

/* The CA is there (made, stored, its file written), or ca->rc says why not. */
static int wait_ready(struct tls_ca *ca)
{
	pthread_mutex_lock(&ca->gen_mu);
	if (ca->generating) {
		pthread_join(ca->gen, NULL);
		ca->generating = false;
	}
	if (!ca->done) {
		ca->done = true;
		if (ca->rc != 0)
			fg_log(ca->log, FG_LOG_ERROR, "tls", "local CA: %s", ca->err.message);
		if (ca->rc == 0 && !ca->stored) {
			ca->pem = strdup(pki_ca_cert_pem(ca->pki));
			ca->rc = write_file(ca, ca->db_path, &ca->err);
		}
	}
	pthread_mutex_unlock(&ca->gen_mu);
	return ca->rc;
}

int tls_ca_open(struct fg_store *store, const char *db_path, struct fg_log *log,
		struct tls_ca **out, struct fg_err *err)
{
	struct tls_ca *ca = calloc(1, sizeof(*ca));
	char *cert = NULL, *key = NULL;

	FG_ASSERT(ca != NULL);
	ca->store = store;
	ca->log = log;
	ca->db_path = strdup(db_path);
	pthread_mutex_init(&ca->mu, NULL);
	pthread_mutex_init(&ca->gen_mu, NULL);
	fg_err_clear(&ca->err);
	*out = NULL;
	if (fg_store_pki_get(store, "ca", &cert, &key, err) != 0)
		goto fail;
	if (cert != NULL) {
		ca->stored = true;
		ca->pem = cert;
		cert = NULL;
		OPENSSL_cleanse(key, strlen(key));
		if (write_file(ca, db_path, err) != 0)
			goto fail;
	}
	ca->generating = pthread_create(&ca->gen, NULL, gen_main, ca) == 0;
	if (!ca->generating)
		ca->rc = load_or_make(ca, &ca->err);
	free(key);
	*out = ca;
	return 0;
fail:
	free(cert);
	free(key);
	tls_ca_close(&ca);
	return -1;
}

int tls_ca_ready(struct tls_ca *ca, struct fg_err *err)
{
	/* a stored CA's file is there: its key is parsed in the background, and a damaged one
	 * is reported (log, and every use) when it turns out to be */
	if (ca->stored || wait_ready(ca) == 0)
		return 0;
	*err = ca->err;
	return -1;
}

static void keypair_free(struct tls_keypair *kp)
{
	X509_free(kp->leaf);
	EVP_PKEY_free(kp->key);
	sk_X509_pop_free(kp->chain, X509_free);
}

void tls_ca_close(struct tls_ca **cap)
{
	struct tls_ca *ca = *cap;

	if (ca == NULL)
		return;
	if (ca->generating)
		pthread_join(ca->gen, NULL); /* it uses the store: close before the store */
	while (ca->leaves != NULL) {
		struct leaf_ent *e = ca->leaves;

		ca->leaves = e->next;
		keypair_free(&e->kp);
		free(e->name);
		free(e);
	}
	if (ca->temp_file && ca->file != NULL)
		unlink(ca->file);
	free(ca->file);
	pki_ca_free(&ca->pki);
	free(ca->db_path);
	free(ca->pem);
	pthread_mutex_destroy(&ca->gen_mu);
	pthread_mutex_destroy(&ca->mu);
	free(ca);
	*cap = NULL;
}

const struct pki_ca *tls_ca_pki(struct tls_ca *ca)
{
	return wait_ready(ca) == 0 ? ca->pki : NULL;
}

const char *tls_ca_pem(struct tls_ca *ca)
{
	return ca->stored || wait_ready(ca) == 0 ? ca->pem : NULL;
}

const char *tls_ca_file(struct tls_ca *ca)
{
	return ca->stored || wait_ready(ca) == 0 ? ca->file : NULL;
}

/* A stored default certificate, when it parses, is the CA's, and has 30 days left. */
static bool load_stored(struct tls_ca *ca, const char *id, struct leaf_ent *e, int64_t now)
{
	char *cert = NULL, *key = NULL;
	struct fg_err ignored;
	int64_t nb;
	bool good = false;

	fg_err_clear(&ignored);
	if (fg_store_pki_get(ca->store, id, &cert, &key, &ignored) != 0 || cert == NULL)
		goto out;
	e->kp.leaf = pki_cert_parse(cert);
	e->kp.key = pki_key_parse(key);
	if (e->kp.leaf == NULL || e->kp.key == NULL || !pki_key_matches(e->kp.leaf, e->kp.key) ||
	    X509_check_issued(pki_ca_cert(ca->pki), e->kp.leaf) != X509_V_OK)
		goto out;
	pki_cert_validity(e->kp.leaf, &nb, &e->not_after_ms);
	good = e->not_after_ms - 30 * DAY_MS > now;
out:
	if (!good) {
		keypair_free(&e->kp);
		memset(&e->kp, 0, sizeof(e->kp));
	}
	if (key != NULL)
		OPENSSL_cleanse(key, strlen(key));
	free(cert);
	free(key);
	return good;
}

static int issue_new(struct tls_ca *ca, const char *id, struct leaf_ent *e, int64_t now,
		     struct fg_err *err)
{
	struct pki_issued is;
	const char *names[1] = { e->name };

	if (pki_issue(ca->pki, names, 1, PKI_KEY_EC_P256, now - DAY_MS, now + 397 * DAY_MS, &is,
		      err) != 0)
		return -1;
	e->kp.leaf = pki_cert_parse(is.cert_pem);
	e->kp.key = pki_key_parse(is.key_pem);
	e->not_after_ms = is.not_after_ms;
	if (fg_store_pki_put(ca->store, id, is.cert_pem, is.key_pem, now, err) != 0)
		fg_log(ca->log, FG_LOG_WARN, "tls", "default certificate for %s not stored: %s",
		       e->name, err->message);
	fg_err_clear(err);
	OPENSSL_cleanse(is.key_pem, strlen(is.key_pem));
	pki_issued_free(&is);
	return e->kp.leaf != NULL && e->kp.key != NULL ? 0 : -1;
}

int tls_ca_default_cert(struct tls_ca *ca, const char *name, const struct tls_keypair **out,
			struct fg_err *err)
{
	int64_t now = fg_clock_real_ms();
	struct leaf_ent *e;
	char *id;
	int rc = 0;

	if (wait_ready(ca) != 0) {
		*err = ca->err;
		*out = NULL;
		return -1;
	}
	pthread_mutex_lock(&ca->mu);
	for (e = ca->leaves; e != NULL; e = e->next) {
		if (strcasecmp(e->name, name) == 0 && e->not_after_ms - 30 * DAY_MS > now)
			goto found;
	}
	e = calloc(1, sizeof(*e));
	FG_ASSERT(e != NULL);
	e->name = strdup(name);
	for (char *p = e->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	id = malloc(strlen(e->name) + 9);
	sprintf(id, "default:%s", e->name);
	if (!load_stored(ca, id, e, now) && issue_new(ca, id, e, now, err) != 0) {
		keypair_free(&e->kp);
		free(e->name);
		free(e);
		e = NULL;
		rc = -1;
	}
	free(id);
	if (e != NULL) {
		e->next = ca->leaves;
		ca->leaves = e;
	}
found:
	pthread_mutex_unlock(&ca->mu);
	*out = e != NULL ? &e->kp : NULL;
	return rc;
}
