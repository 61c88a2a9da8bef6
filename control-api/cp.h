/*
 * control API: frontgate's JSON-over-HTTP configuration interface (the README documents each
 * route with a curl example). It sees only the app's public interface: every change goes
 * through fg_app_* and is all-or-nothing there.
 */
#ifndef FG_CP_H
#define FG_CP_H

#include "cloudfront/cloudfront.h"
#include "core/core.h"
#include "main/app.h"

#define CP_BODY_LIMIT ((size_t)8 * 1024 * 1024)

struct cp_server;

struct cp_config {
	int listen_fd;          /* bound and listening; taken over */
	const char *token;      /* NULL: no authentication; else "Authorization: Bearer <token>" */
	struct fg_app *app;
	const char *version;
	const char *ca_pem;     /* the local CA's certificate (GET /ca.pem); borrowed */
	struct cloudfront *cloudfront; /* invalidations and cache statistics; NULL: none */
};

int cp_start(const struct cp_config *cfg, struct cp_server **out, struct fg_err *err);
void cp_stop(struct cp_server **sp);

/* {"error":{"code","message","resource","property"}} as text (malloc'd). */
char *cp_error_json(const struct fg_err *err);

#endif
