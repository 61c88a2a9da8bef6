/*
 * lambda_int.h: what the lambda module's own files share (never included outside
 * emulator/lambda/ except by its unit tests).
 *
 *   lambda.c        the module object, the service and the invoker
 *   lambda_types.c  AWS::Lambda::Function / Permission / Alias / Version (control plane)
 *   lambda_view.c   the compiled, immutable per-world view: functions by name and ARN
 *   lambda_pool.c   warm workers per function (+ config hash), concurrency, one invocation
 *   lambda_proc.c   one worker process: spawn, the line exchange, stop and reap
 *   lambda_url.c    Metadata.Frontgate.InvokeUrl through libcurl
 *   lambda_boot.c   the Python and Node bootstraps that run inline code (C strings)
 *
 * Ownership: a view belongs to its world; it holds a reference on the runtime (struct
 * lambda_rt, the process-owning side) and on one pool per runnable function. Pools are keyed
 * by function ARN + a hash of everything that shapes the running code, so a redeploy that
 * changes nothing keeps warm workers and one that changes the code gets fresh ones; a pool
 * whose last view goes away stops its workers.
 */
#ifndef FG_LAMBDA_INT_H
#define FG_LAMBDA_INT_H

#include <sys/types.h>

#include "lambda/lambda.h"

#define LAMBDA_TAIL 4096          /* bytes of a worker's stdout/stderr kept for traces */
#define LAMBDA_INIT_MS 10000      /* Lambda's init phase limit */
#define LAMBDA_DEFAULT_TIMEOUT 3  /* seconds, Lambda's default */
#define LAMBDA_DEFAULT_MEMORY 128 /* MB, Lambda's default */
#define LAMBDA_MAX_RESULT 6291556 /* bytes, Lambda's synchronous response limit */
#define LAMBDA_MAX_LINE (LAMBDA_MAX_RESULT + 64) /* a result line around the biggest result */

/* How a function is run (first that applies, issue order). */
enum lambda_mode {
	LAMBDA_RESPONSE,     /* Metadata.Frontgate.Response: a canned result */
	LAMBDA_COMMAND,      /* Metadata.Frontgate.Command: a long-lived JSON-lines program */
	LAMBDA_URL,          /* Metadata.Frontgate.InvokeUrl: the Lambda invoke protocol */
	LAMBDA_PYTHON,       /* Code.ZipFile on python3.x */
	LAMBDA_NODE,         /* Code.ZipFile on nodejs* */
	LAMBDA_NOT_EMULATED, /* S3 code, images, other runtimes */
};

/* ---------------------------------------------------------- lambda_types.c */

void lambda_types_register(struct stack_registry *r, void *svc);
/*
 * How the resource document res (Properties, Metadata) is run: the mode and, for
 * LAMBDA_NOT_EMULATED, why (a sentence naming no function). Shared by deploy and compile.
 */
enum lambda_mode lambda_mode_of(const cJSON *props, const cJSON *metadata, const char **why);
/* True for a runtime name Lambda accepts for inline Python / Node code. */
bool lambda_runtime_python(const char *rt);
bool lambda_runtime_node(const char *rt);

/* ------------------------------------------------------------ lambda_proc.c */

/* The last bytes a worker wrote to stdout/stderr. */
struct lambda_tail {
	char b[LAMBDA_TAIL];
	size_t n;
};

void lambda_tail_add(struct lambda_tail *t, const char *p, size_t n);

/* Everything needed to start a worker; owned by its pool. */
struct lambda_spec {
	enum lambda_mode mode;
	char *name;          /* function name */
	char *arn;           /* unqualified function ARN */
	char *runtime;       /* "python3.12", "nodejs20.x", "" */
	char *handler;
	char *code;          /* inline source (ZipFile) */
	char *url;           /* InvokeUrl, the full invocations URL */
	char **argv;         /* NULL-terminated: Command, or the interpreter + bootstrap */
	char **envp;         /* NULL-terminated */
	int timeout_s;
	int memory_mb;
};

struct lambda_proc {
	pid_t pid;           /* 0: no process */
	int pidfd;           /* -1 when the kernel has none */
	int ev_fd;           /* frontgate -> worker: events (socket, non-blocking) */
	int res_fd;          /* worker -> frontgate: results (pipe, non-blocking) */
	int log_fd;          /* worker stdout+stderr (inline) or stderr (command); -1 at EOF */
	char dir[256];       /* private temp dir ("" for none) */
	struct fg_buf rbuf;  /* result bytes read and not consumed yet */
	size_t rpos;         /* consumed prefix of rbuf */
	struct fg_buf wbuf;  /* the line being sent (kept for its capacity) */
	struct lambda_tail tail;
};

enum lambda_xchg {
	LAMBDA_X_LINE,       /* a full line is at *line (until the next call) */
	LAMBDA_X_TIMEOUT,    /* the deadline passed */
	LAMBDA_X_EOF,        /* the worker closed its result channel (exited) */
	LAMBDA_X_TOOBIG,     /* more than LAMBDA_MAX_LINE bytes without a newline */
};

void lambda_proc_init(struct lambda_proc *p);
/* Starts a worker for spec; on failure returns the errno (why has the sentence). */
int lambda_proc_start(struct lambda_proc *p, const struct lambda_spec *s, char *why,
		      size_t whyn);
/*
 * Sends out (may be NULL) and waits for one line on the result channel until deadline
 * (CLOCK_MONOTONIC ms), collecting the worker's output into its tail meanwhile.
 */
enum lambda_xchg lambda_proc_exchange(struct lambda_proc *p, const char *out, size_t outlen,
				      int64_t deadline, const char **line, size_t *linelen);
/* Reads what is waiting without blocking; true when the worker looks usable (alive, with
 * no stray bytes on its result channel). */
bool lambda_proc_fresh(struct lambda_proc *p);
/* Stops the worker: waits up to grace_ms for it to exit on its own, then kills its process
 * group, reaps it, removes its directory. *status gets the wait status (may be NULL). */
void lambda_proc_stop(struct lambda_proc *p, int grace_ms, int *status);
void lambda_proc_fini(struct lambda_proc *p);
int64_t lambda_mono_ms(void);

/* ------------------------------------------------------------ lambda_pool.c */

struct lambda_rt;
struct lambda_pool;

/* One invocation as the pool needs it. */
struct lambda_call {
	const char *request_id;
	const char *invoked_arn;   /* the ARN the caller used, with its qualifier */
	const char *event;
	size_t len;
	int64_t caller_deadline;   /* CLOCK_MONOTONIC ms; 0 = none */
	struct fg_log *log;
};

struct lambda_rt *lambda_rt_new(unsigned workers_per_function);
struct lambda_rt *lambda_rt_ref(struct lambda_rt *rt);
void lambda_rt_rel(struct lambda_rt **rtp);
/* Stops every worker of every pool and refuses new ones (lambda_destroy). */
void lambda_rt_shutdown(struct lambda_rt *rt);
/* The pool for this function resource (ref taken; spec built when new). */
struct lambda_pool *lambda_pool_get(struct lambda_rt *rt, enum lambda_mode mode,
				    const char *name, const char *arn, const char *region,
				    const cJSON *props, const cJSON *metadata);
void lambda_pool_put(struct lambda_rt *rt, struct lambda_pool *pool);
void lambda_pool_invoke(struct lambda_pool *pool, const struct lambda_call *call,
			struct fg_invoke_result *out);
/* For tests: slots in use or warm, slots busy, and invocations waiting for a slot. */
void lambda_pool_stats(struct lambda_pool *pool, unsigned *started, unsigned *busy,
		       unsigned *queued);

/* ------------------------------------------------------------- lambda_url.c */

/* Invokes over HTTP with handle *curlp (created when NULL, kept for keep-alive). */
void lambda_url_invoke(void **curlp, const struct lambda_spec *s,
		       const struct lambda_call *call, int64_t deadline,
		       struct fg_invoke_result *out);
void lambda_url_free(void **curlp);

/* ------------------------------------------------------------ lambda_view.c */

struct lambda_fn;
struct lambda_view;

struct lambda_view *lambda_view_compile(struct lambda_rt *rt, const struct stack_world *w);
void lambda_view_release(void *view);
/*
 * The function ref names (ARN, partial ARN, name, name:qualifier, alias/version ARN, or an
 * API Gateway integration URI); NULL when none. *invoked gets the ARN to report to the
 * function (qualified when ref was), written into buf.
 */
const struct lambda_fn *lambda_view_find(const struct lambda_view *v, const char *ref,
					 char *invoked, size_t invokedn);
enum lambda_mode lambda_fn_mode(const struct lambda_fn *fn);
const char *lambda_fn_name(const struct lambda_fn *fn);
const char *lambda_fn_response(const struct lambda_fn *fn);
const char *lambda_fn_why(const struct lambda_fn *fn);
struct lambda_pool *lambda_fn_pool(const struct lambda_fn *fn);

/* ----------------------------------------------------------------- lambda.c */

/* Replaces out->detail (the one-line reason for the trace) with the formatted text. */
void lambda_detail(struct fg_invoke_result *out, const char *fmt, ...) FG_PRINTF(2, 3);

/* ------------------------------------------------------------ lambda_boot.c */

extern const char lambda_boot_python[];
extern const char lambda_boot_node[];

#endif
