/*
 * fg_clock.c: the instance's controllable clock. Real time by default; the control API can
 * pin it (fixed), shift it (offset) or move it forward, so tests never sleep for time to pass.
 */
#include "core/core.h"

#include <time.h>

int64_t fg_clock_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fg_clock_init(struct fg_clock *c)
{
	pthread_mutex_init(&c->mu, NULL);
	c->mode = FG_CLOCK_REAL;
	c->fixed_ms = 0;
	c->offset_ms = 0;
}

void fg_clock_fini(struct fg_clock *c)
{
	pthread_mutex_destroy(&c->mu);
}

int64_t fg_clock_now_ms(struct fg_clock *c)
{
	int64_t now;

	pthread_mutex_lock(&c->mu);
	switch (c->mode) {
	case FG_CLOCK_FIXED:
		now = c->fixed_ms;
		break;
	case FG_CLOCK_OFFSET:
		now = fg_clock_real_ms() + c->offset_ms;
		break;
	default:
		now = fg_clock_real_ms();
		break;
	}
	pthread_mutex_unlock(&c->mu);
	return now;
}

void fg_clock_set_real(struct fg_clock *c)
{
	pthread_mutex_lock(&c->mu);
	c->mode = FG_CLOCK_REAL;
	c->offset_ms = 0;
	pthread_mutex_unlock(&c->mu);
}

void fg_clock_set_fixed(struct fg_clock *c, int64_t ms)
{
	pthread_mutex_lock(&c->mu);
	c->mode = FG_CLOCK_FIXED;
	c->fixed_ms = ms;
	pthread_mutex_unlock(&c->mu);
}

void fg_clock_set_offset(struct fg_clock *c, int64_t ms)
{
	pthread_mutex_lock(&c->mu);
	c->mode = FG_CLOCK_OFFSET;
	c->offset_ms = ms;
	pthread_mutex_unlock(&c->mu);
}

void fg_clock_advance(struct fg_clock *c, int64_t ms)
{
	pthread_mutex_lock(&c->mu);
	if (c->mode == FG_CLOCK_FIXED) {
		c->fixed_ms += ms;
	} else {
		c->mode = FG_CLOCK_OFFSET;
		c->offset_ms += ms;
	}
	pthread_mutex_unlock(&c->mu);
}
