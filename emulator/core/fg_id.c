/* fg_id.c: request ids, deterministic AWS-shaped ids, ISO-8601 time text, base64. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/*
 * Random bytes from the kernel's CSPRNG, taken 512 at a time into a buffer of the calling
 * thread: request ids are made several times per request (front, API Gateway, Lambda,
 * CloudFront), and one getrandom system call each was 5% of a request's CPU. Per thread, so
 * nothing is shared between threads or instances; used bytes are wiped.
 */
#define RANDOM_POOL 512

static _Thread_local unsigned char random_pool[RANDOM_POOL];
static _Thread_local size_t random_left;

void fg_random(void *buf, size_t n)
{
	unsigned char *out = buf;

	while (n > 0) {
		size_t take;

		if (random_left == 0) {
			size_t got = 0;

			while (got < RANDOM_POOL) {
				ssize_t r = getrandom(random_pool + got, RANDOM_POOL - got, 0);

				FG_ASSERT(r > 0);
				got += (size_t)r;
			}
			random_left = RANDOM_POOL;
		}
		take = n < random_left ? n : random_left;
		memcpy(out, random_pool + RANDOM_POOL - random_left, take);
		memset(random_pool + RANDOM_POOL - random_left, 0, take);
		random_left -= take;
		out += take;
		n -= take;
	}
}

void fg_uuid4(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];

	fg_random(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	/* hex by hand: snprintf with sixteen %02x cost more than the random bytes (bench) */
	for (size_t i = 0, o = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[36] = '\0';
}

uint64_t fg_hash64(const char *const *parts, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
			h ^= *p;
			h *= 1099511628211ULL;
		}
		h ^= 0xff; /* separator, so ("ab","c") and ("a","bc") differ */
		h *= 1099511628211ULL;
	}
	return h;
}

void fg_id_from_hash(uint64_t seed, const char *alphabet, size_t n, char *out)
{
	size_t k = strlen(alphabet);
	uint64_t x = seed;

	for (size_t i = 0; i < n; i++) {
		/* splitmix64 step: every character draws fresh bits */
		x += 0x9e3779b97f4a7c15ULL;
		uint64_t z = x;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		out[i] = alphabet[z % k];
	}
	out[n] = '\0';
}

static void tm_of(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);

	gmtime_r(&t, tm);
}

void fg_time_iso(int64_t ms, char out[21])
{
	struct tm tm;

	tm_of(ms, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void fg_time_iso_ms(int64_t ms, char out[25])
{
	struct tm tm;
	char base[20];
	int frac = (int)(((ms % 1000) + 1000) % 1000);

	tm_of(ms, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 25, "%.19s.%03dZ", base, frac);
}

bool fg_time_parse_iso(const char *s, int64_t *ms_out)
{
	int y, mo, d, h, mi, sec, used = 0, frac = 0;
	struct tm tm;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
	    used != 19)
		return false;
	s += used;
	if (*s == '.') {
		int digits = 0;

		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits < 3)
				frac = frac * 10 + (*s - '0');
			digits++;
			s++;
		}
		if (digits == 0)
			return false;
		while (digits < 3) {
			frac *= 10;
			digits++;
		}
	}
	if (strcmp(s, "Z") != 0 && strcmp(s, "+00:00") != 0)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms_out = (int64_t)timegm(&tm) * 1000 + frac;
	return true;
}

bool fg_account_id_valid(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n == 12;
}

char *fg_base64(const unsigned char *p, size_t n)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(((n + 2) / 3) * 4 + 1);
	size_t o = 0;

	FG_ASSERT(out != NULL);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = tbl[(v >> 18) & 63];
		out[o++] = tbl[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tbl[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}
