/*
 * iface/certs.h: certificates by ARN (ACM, or frontgate's own default certificates), for the
 * TLS terminator, without including the acm module (instance.c wires it).
 */
#ifndef FG_IFACE_CERTS_H
#define FG_IFACE_CERTS_H

#include <stdbool.h>
#include <stdint.h>

struct stack_world;
struct fg_arena;

enum fg_cert_status {
	FG_CERT_ISSUED,
	FG_CERT_PENDING_VALIDATION,
	FG_CERT_EXPIRED,             /* past NotAfter on the emulator clock: still served */
	FG_CERT_NOT_FOUND,
};

struct fg_cert {
	enum fg_cert_status status;
	const char *arn;
	const char *region;
	const char *account;
	const char *chain_pem;   /* leaf first, then intermediates (not the root) */
	const char *key_pem;     /* private key of the leaf */
	const char *const *names; /* DomainName + SubjectAlternativeNames */
	int nnames;
	int64_t not_before_ms, not_after_ms;
};

struct fg_certs {
	void *self;
	void (*by_arn)(void *self, const struct stack_world *w, const char *arn, int64_t now_ms,
		       struct fg_arena *a, struct fg_cert *out);
};

#endif
