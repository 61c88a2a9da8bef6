/*
 * lambda_proc.c: one worker process. It is started with posix_spawn in its own process group
 * with three channels:
 *
 *   inline code (Python/Node bootstrap)     Metadata.Frontgate.Command
 *   fd 0  /dev/null                         fd 0  events (one JSON line each)
 *   fd 1,2 output (kept as the log tail)    fd 1  results (one JSON line each)
 *   fd 3  events                            fd 2  output (kept as the log tail)
 *   fd 4  results
 *
 * so what user code prints never mixes with the protocol. The event channel is a socket
 * written with MSG_NOSIGNAL (a dead worker is an error, never a SIGPIPE); every descriptor
 * frontgate keeps is close-on-exec and the child gets nothing else (closefrom). Inline code
 * lives in a private temp dir per worker, removed when the worker stops. Stopping kills the
 * whole process group and reaps the worker, so nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lambda/lambda_int.h"

int64_t lambda_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void lambda_tail_add(struct lambda_tail *t, const char *p, size_t n)
{
	if (n >= LAMBDA_TAIL) {
		memcpy(t->b, p + n - LAMBDA_TAIL, LAMBDA_TAIL);
		t->n = LAMBDA_TAIL;
		return;
	}
	if (t->n + n > LAMBDA_TAIL) {
		size_t drop = t->n + n - LAMBDA_TAIL;

		memmove(t->b, t->b + drop, t->n - drop);
		t->n -= drop;
	}
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

void lambda_proc_init(struct lambda_proc *p)
{
	memset(p, 0, sizeof(*p));
	p->pidfd = p->ev_fd = p->res_fd = p->log_fd = -1;
	fg_buf_init(&p->rbuf);
	fg_buf_init(&p->wbuf);
}

void lambda_proc_fini(struct lambda_proc *p)
{
	if (p->pid > 0)
		lambda_proc_stop(p, 0, NULL);
	fg_buf_free(&p->rbuf);
	fg_buf_free(&p->wbuf);
}

/* ------------------------------------------------------------ the temp dir */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void rm_tree(char *dir)
{
	if (dir[0] == '\0')
		return;
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	dir[0] = '\0';
}

static int write_file(const char *dir, const char *sub, const char *name, const char *text)
{
	char path[512];
	FILE *f;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "we");
	if (f == NULL)
		return -1;
	if (fwrite(text, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* dir/task/index.{py,js} (the function's code) and dir/runtime/bootstrap.{py,js}. */
static int make_dir(struct lambda_proc *p, const struct lambda_spec *s)
{
	const char *tmp = getenv("TMPDIR");
	bool py = s->mode == LAMBDA_PYTHON;

	snprintf(p->dir, sizeof(p->dir), "%s/frontgate-lambda-XXXXXX",
		 tmp != NULL && tmp[0] == '/' && strlen(tmp) < 200 ? tmp : "/tmp");
	if (mkdtemp(p->dir) == NULL) {
		p->dir[0] = '\0';
		return -1;
	}
	if (write_file(p->dir, "task", py ? "index.py" : "index.js", s->code) != 0 ||
	    write_file(p->dir, "runtime", py ? "bootstrap.py" : "bootstrap.js",
		       py ? lambda_boot_python : lambda_boot_node) != 0) {
		rm_tree(p->dir);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- spawning */

/* Moves fd to a number >= 10 (close-on-exec), so dup2 onto 0..4 in the child is safe. */
static int high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);

	close(fd);
	return h;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* The spec's environment plus, for inline code, where the task and runtime live. */
static char **worker_env(const struct lambda_proc *p, const struct lambda_spec *s)
{
	size_t n = 0;
	char **env;

	while (s->envp[n] != NULL)
		n++;
	env = calloc(n + 3, sizeof(char *));
	FG_ASSERT(env != NULL);
	memcpy(env, s->envp, n * sizeof(char *));
	if (s->mode != LAMBDA_COMMAND) {
		FG_ASSERT(asprintf(&env[n], "LAMBDA_TASK_ROOT=%s/task", p->dir) >= 0);
		FG_ASSERT(asprintf(&env[n + 1], "LAMBDA_RUNTIME_DIR=%s/runtime", p->dir) >= 0);
	}
	return env;
}

static void worker_env_free(const struct lambda_spec *s, char **env)
{
	size_t n = 0;

	while (s->envp[n] != NULL)
		n++;
	free(env[n]);
	free(env[n + 1]);
	free(env);
}

static int spawn(struct lambda_proc *p, const struct lambda_spec *s, char **argv,
		 int ev, int res, int log)
{
	char **env;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	bool inl = s->mode != LAMBDA_COMMAND;
	int rc;

	posix_spawn_file_actions_init(&fa);
	if (inl) {
		char task[300];

		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, log, 1);
		posix_spawn_file_actions_adddup2(&fa, log, 2);
		posix_spawn_file_actions_adddup2(&fa, ev, 3);
		posix_spawn_file_actions_adddup2(&fa, res, 4);
		posix_spawn_file_actions_addclosefrom_np(&fa, 5);
		snprintf(task, sizeof(task), "%s/task", p->dir);
		posix_spawn_file_actions_addchdir_np(&fa, task);
	} else {
		posix_spawn_file_actions_adddup2(&fa, ev, 0);
		posix_spawn_file_actions_adddup2(&fa, res, 1);
		posix_spawn_file_actions_adddup2(&fa, log, 2);
		posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	}
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	env = worker_env(p, s);
	rc = posix_spawnp(&p->pid, argv[0], &fa, &at, argv, env);
	worker_env_free(s, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		p->pid = 0;
	return rc;
}

int lambda_proc_start(struct lambda_proc *p, const struct lambda_spec *s, char *why,
		      size_t whyn)
{
	int ev[2] = { -1, -1 }, res[2] = { -1, -1 }, log[2] = { -1, -1 };
	char *argv[4];
	char boot[300];
	int rc;

	FG_ASSERT(p->pid == 0);
	p->rbuf.len = 0;
	p->rpos = 0;
	if (s->mode != LAMBDA_COMMAND) {
		if (make_dir(p, s) != 0) {
			rc = errno ? errno : EIO;
			snprintf(why, whyn, "cannot write the function's code to a temp dir: %s",
				 strerror(rc));
			return rc;
		}
		snprintf(boot, sizeof(boot), "%s/runtime/bootstrap.%s", p->dir,
			 s->mode == LAMBDA_PYTHON ? "py" : "js");
		argv[0] = s->mode == LAMBDA_PYTHON ? "python3" : "node";
		argv[1] = boot;
		argv[2] = NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ev) != 0 ||
	    pipe2(res, O_CLOEXEC) != 0 || pipe2(log, O_CLOEXEC) != 0) {
		rc = errno;
		snprintf(why, whyn, "cannot create the worker's channels: %s", strerror(rc));
		goto fail;
	}
	ev[1] = high_fd(ev[1]);
	res[1] = high_fd(res[1]);
	log[1] = high_fd(log[1]);
	rc = spawn(p, s, s->mode == LAMBDA_COMMAND ? s->argv : argv, ev[1], res[1], log[1]);
	if (rc != 0) {
		snprintf(why, whyn, "cannot start %s: %s",
			 s->mode == LAMBDA_COMMAND ? s->argv[0] : argv[0], strerror(rc));
		goto fail;
	}
	close(ev[1]);
	close(res[1]);
	close(log[1]);
	p->ev_fd = ev[0];
	p->res_fd = res[0];
	p->log_fd = log[0];
	set_nonblock(p->ev_fd);
	set_nonblock(p->res_fd);
	set_nonblock(p->log_fd);
#ifdef SYS_pidfd_open
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
#endif
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (ev[i] >= 0)
			close(ev[i]);
		if (res[i] >= 0)
			close(res[i]);
		if (log[i] >= 0)
			close(log[i]);
	}
	rm_tree(p->dir);
	return rc;
}

/* ------------------------------------------------------------- exchange */

/* Reads what is there from the output channel into the tail; false at EOF or error. */
static bool drain_log(struct lambda_proc *p)
{
	char chunk[4096];

	while (p->log_fd >= 0) {
		ssize_t n = read(p->log_fd, chunk, sizeof(chunk));

		if (n > 0) {
			lambda_tail_add(&p->tail, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		close(p->log_fd);
		p->log_fd = -1;
	}
	return false;
}

/* Reads what is there from the result channel; -1 at EOF, 0 otherwise. */
static int read_results(struct lambda_proc *p)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(p->res_fd, chunk, sizeof(chunk));

		if (n > 0) {
			fg_buf_append(&p->rbuf, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return -1;
	}
}

/* A complete line waiting in rbuf (without its '\n'). */
static bool take_line(struct lambda_proc *p, const char **line, size_t *len)
{
	const char *start = p->rbuf.data + p->rpos;
	const char *nl;

	if (p->rbuf.len == p->rpos)
		return false;
	nl = memchr(start, '\n', p->rbuf.len - p->rpos);
	if (nl == NULL)
		return false;
	*line = start;
	*len = (size_t)(nl - start);
	p->rpos += *len + 1;
	return true;
}

static bool send_some(struct lambda_proc *p, const char **out, size_t *left)
{
	while (*left > 0) {
		ssize_t n = send(p->ev_fd, *out, *left, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			*out += n;
			*left -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno == EAGAIN;
	}
	return true;
}

enum lambda_xchg lambda_proc_exchange(struct lambda_proc *p, const char *out, size_t outlen,
				      int64_t deadline, const char **line, size_t *linelen)
{
	bool res_eof = false;

	if (p->rpos > 0 && p->rpos == p->rbuf.len) {
		p->rbuf.len = 0;
		p->rpos = 0;
	}
	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = p->res_fd, .events = POLLIN },
			{ .fd = p->log_fd, .events = POLLIN },
			{ .fd = outlen > 0 ? p->ev_fd : -1, .events = POLLOUT },
		};
		int64_t left;

		if (take_line(p, line, linelen))
			return LAMBDA_X_LINE;
		if (p->rbuf.len - p->rpos > LAMBDA_MAX_LINE)
			return LAMBDA_X_TOOBIG;
		if (res_eof) {
			drain_log(p);
			return LAMBDA_X_EOF;
		}
		if (outlen > 0 && !send_some(p, &out, &outlen))
			outlen = 0; /* the worker is gone: its result channel will say so */
		left = deadline - lambda_mono_ms();
		if (left <= 0)
			return LAMBDA_X_TIMEOUT;
		fds[2].fd = outlen > 0 ? p->ev_fd : -1;
		if (poll(fds, 3, (int)(left > 60000 ? 60000 : left)) < 0 && errno != EINTR)
			return LAMBDA_X_EOF;
		if (fds[1].revents)
			drain_log(p);
		if (fds[0].revents)
			res_eof = read_results(p) != 0;
	}
}

bool lambda_proc_fresh(struct lambda_proc *p)
{
	drain_log(p);
	if (read_results(p) != 0)
		return false;
	return p->rbuf.len == p->rpos;
}

/* ---------------------------------------------------------------- stop */

static void wait_exit(struct lambda_proc *p, int grace_ms)
{
	struct pollfd pf = { .fd = p->pidfd, .events = POLLIN };
	int64_t end = lambda_mono_ms() + grace_ms;

	if (p->pidfd < 0 || grace_ms <= 0)
		return;
	for (;;) {
		int64_t left = end - lambda_mono_ms();

		if (left <= 0 || poll(&pf, 1, (int)left) != 0 || errno != EINTR)
			return;
	}
}

void lambda_proc_stop(struct lambda_proc *p, int grace_ms, int *status)
{
	int st = 0;

	if (p->pid > 0) {
		wait_exit(p, grace_ms);
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->pid = 0;
	}
	if (status != NULL)
		*status = st;
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->ev_fd >= 0)
		close(p->ev_fd);
	if (p->res_fd >= 0)
		close(p->res_fd);
	if (p->log_fd >= 0)
		close(p->log_fd);
	p->pidfd = p->ev_fd = p->res_fd = p->log_fd = -1;
	p->rbuf.len = 0;
	p->rpos = 0;
	rm_tree(p->dir);
}
