/*
 * acm: AWS Certificate Manager — the AWS::CertificateManager::Certificate type (validation,
 * issue by the local CA, DNS and e-mail validation, imported certificates) and the
 * certificates-by-ARN interface (iface/certs.h) the TLS terminator serves them through.
 * Reference: ../shared/aws-behavior.md §4, §7.2.
 *
 * A certificate's resource State (private: not in GET /stacks, not reachable with
 * Fn::GetAtt) holds what ACM would describe, in this documented shape — the Route 53 side
 * reads ValidationRecords to answer the CNAMEs frontgate "wrote" into hosted zones:
 *
 *   {"Type": "AMAZON_ISSUED" | "IMPORTED" | "PRIVATE",
 *    "Status": "ISSUED",                 (at deployment; EXPIRED is computed on the clock)
 *    "DomainName", "SubjectAlternativeNames": [...],
 *    "KeyAlgorithm": "RSA_2048" | "EC_prime256v1" | "EC_secp384r1"   (asked for)
 *    "GeneratedKeyAlgorithm": ...        (what the key really is),
 *    "CertificatePem", "ChainPem" (intermediates, "" for the local CA's), "Fingerprint"
 *    (SHA-256 hex), "Serial", "NotBefore", "NotAfter" (ISO 8601), "NotBeforeMs", "NotAfterMs",
 *    "ValidationMethod": "DNS" | "EMAIL" | "NONE",
 *    "DomainValidationOptions": [{"DomainName", "ValidationDomain", "ValidationMethod",
 *        "ValidationStatus": "SUCCESS", "ResourceRecord": {"Name","Type","Value"}}],
 *    "ValidationRecords": [{"Name": "_<32 hex>.example.com.", "Type": "CNAME",
 *        "Value": "_<32 hex>.<10 letters>.acm-validations.aws.", "HostedZoneId": "Z..."}],
 *    "InputsHash"}
 *
 * The private key never goes into State: it is kept in the store (pki table, under
 * "key:<Fingerprint>").
 */
#ifndef FG_ACM_H
#define FG_ACM_H

#include "core/core.h"
#include "iface/certs.h"
#include "pki/pki.h"
#include "stack/stack.h"
#include "store/store.h"

struct acm;

struct acm_deps {
	struct fg_clock *clock;
	struct fg_log *log;
	struct fg_store *store;      /* private keys */
	/* the local CA, which signs every certificate ACM issues; asked for on first use (it may
	 * still be in the making at start-up); NULL when there is none */
	const struct pki_ca *(*ca)(void *arg);
	void *ca_arg;
};

struct acm *acm_new(const struct acm_deps *deps);
void acm_destroy(struct acm **ap);
/*
 * Fidelity switches "key=value": validation-wait=SECONDS (0-3600, default 0): how long a
 * deployment waits for a DNS or e-mail validation that has not happened before it fails,
 * as CloudFormation waits for the certificate to be issued.
 */
int acm_set_fidelity(struct acm *a, const char *spec, struct fg_err *err);
void acm_register_types(struct acm *a, struct stack_registry *r);
/* Certificates by ARN for the TLS terminator (borrowed from a). */
const struct fg_certs *acm_certs(struct acm *a);

/* The DNS validation record of a name in an account (deterministic; a wildcard and its apex
 * share one): name "_<32 hex>.<domain>." and value "_<32 hex>.<10 letters>.acm-validations.aws.". */
void acm_validation_record(const char *account, const char *domain, char name[320],
			   char value[128]);

#endif
