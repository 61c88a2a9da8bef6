/*
 * instance: everything one running frontgate is — the app (state), the data-plane HTTP
 * server, the control API, and the listeners of services still to come — started and
 * stopped as one. main() runs one; a test process may run several side by side.
 */
#ifndef FG_INSTANCE_H
#define FG_INSTANCE_H

#include "core/core.h"

struct fg_instance_config {
	const char *db_path;
	const char *http_addr, *https_addr, *dns_addr, *control_addr;
	const char *region, *account;
	const char *control_token;
	const char *const *fixtures;
	size_t nfixtures;
	const char *const *params;  /* "KEY=VALUE" */
	size_t nparams;
	const char *const *fidelity; /* "service.switch=value" */
	size_t nfidelity;
	const char *const *tls_sites; /* "NAME=POLICY" (--tls-site) */
	size_t ntls_sites;
	size_t trace_limit;
	enum fg_log_level log_level;
};

struct fg_instance;

/* Binds every listener, deploys every fixture, starts serving. On failure nothing keeps
 * running and err says why (a fixture's error names the fixture, resource and property). */
int fg_instance_start(const struct fg_instance_config *cfg, struct fg_instance **out,
		      struct fg_err *err);
/* The one-line JSON ready message (malloc'd, no newline). */
char *fg_instance_ready_json(const struct fg_instance *inst);
void fg_instance_stop(struct fg_instance **ip);

#endif
