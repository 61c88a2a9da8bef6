/*
 * iface/tls_sites.h: the names a service serves over HTTPS, with the certificate and the
 * security policy for each, so the TLS terminator can pick a certificate by SNI and enforce
 * the policy in the handshake (aws-behavior.md §4, §5.2). A service lists its sites for a
 * compiled view (fg_service.tls_sites); the terminator merges all services' lists per world.
 */
#ifndef FG_IFACE_TLS_SITES_H
#define FG_IFACE_TLS_SITES_H

#include <stddef.h>

struct fg_tls_site {
	const char *name;            /* "api.example.com" or "*.execute-api.us-east-1.amazonaws.com" */
	const char *certificate_arn; /* an ACM certificate (iface/certs.h); NULL: frontgate's own
				      * default certificate for this name, signed by the local CA */
	const char *security_policy; /* "TLS_1_0", "TLS_1_2", "SecurityPolicy_...",
				      * "TLSv1.2_2021", ...; NULL: the service's default */
	const char *truststore_pem;  /* mTLS: CA bundle client certificates must chain to */
	const char *account;         /* owner account (421 rules, §1.7) */
	const char *owner;           /* for traces: "API Gateway domain api.example.com (stack s)" */
	const char *service;         /* "apigw", "cloudfront" */
};

#endif
