/* Unit tests for core: arena, buffer, clock, ids, time text, base64, errors. */
#include "core/core.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_arena(void)
{
	struct fg_arena *a = fg_arena_new(0);
	char *big;

	is_str(fg_arena_printf(a, "%s-%d", "x", 7), "x-7", "arena printf");
	big = fg_arena_alloc(a, 100000);
	memset(big, 'a', 100000);
	ok(((uintptr_t)fg_arena_alloc(a, 3) & 15) == 0, "arena allocations are 16-byte aligned");
	is_str(fg_arena_strndup(a, "abcdef", 3), "abc", "arena strndup");
	fg_arena_destroy(&a);
	ok(a == NULL, "destroy clears the caller's pointer");
	{
		/* printf formats into the chunk's free end: texts that fit, fill it to the byte,
		 * or overflow it must all come back whole, whatever the chunk's odd size */
		bool all = true;

		for (size_t cap = 257; cap < 300 && all; cap++) {
			struct fg_arena *b = fg_arena_new(cap);

			for (int i = 0; i < 40 && all; i++) {
				char want[64];
				const char *got;

				snprintf(want, sizeof(want), "%0*d", 1 + (i * 7) % 40, i);
				got = fg_arena_printf(b, "%0*d", 1 + (i * 7) % 40, i);
				all = strcmp(got, want) == 0;
				if (!all)
					printf("# cap %zu step %d: got '%s' want '%s'\n", cap, i, got, want);
			}
			fg_arena_destroy(&b);
		}
		ok(all, "arena printf at every chunk boundary");
	}
}

static void test_buf(void)
{
	struct fg_buf b;
	char *s;

	fg_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		fg_buf_printf(&b, "%d,", i % 10);
	is_int(b.len, 2000, "buffer grows across many appends");
	s = fg_buf_take(&b);
	ok(strncmp(s, "0,1,2,", 6) == 0 && b.data == NULL, "take hands over the bytes");
	free(s);
}

static void test_clock(void)
{
	struct fg_clock c;
	int64_t t;

	fg_clock_init(&c);
	t = fg_clock_now_ms(&c);
	ok(t > 1700000000000LL, "real clock reads real time");
	fg_clock_set_fixed(&c, 1000);
	is_int(fg_clock_now_ms(&c), 1000, "fixed clock shows the pinned time");
	fg_clock_advance(&c, 500);
	is_int(fg_clock_now_ms(&c), 1500, "advance moves a fixed clock");
	fg_clock_set_offset(&c, 3600000);
	t = fg_clock_now_ms(&c) - fg_clock_real_ms();
	ok(t >= 3599000 && t <= 3601000, "offset clock is shifted by the offset");
	fg_clock_set_real(&c);
	t = fg_clock_now_ms(&c) - fg_clock_real_ms();
	ok(t > -1000 && t < 1000, "back to real time");
	fg_clock_fini(&c);
}

static bool uuid_layout_ok(const char *u)
{
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : strchr("0123456789abcdef", u[i]) == NULL || u[i] == '\0')
			return false;
	}
	return u[36] == '\0' && strchr("89ab", u[19]) != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_ids(void)
{
	char u1[37], u2[37], id[11], id2[11], iso[21], isoms[25];
	const char *parts[] = { "123456789012", "us-east-1", "stack", "Api" };
	int64_t ms;

	fg_uuid4(u1);
	fg_uuid4(u2);
	ok(strlen(u1) == 36 && u1[14] == '4' && strcmp(u1, u2) != 0, "uuid4 shape and randomness");
	ok(uuid_layout_ok(u1) && uuid_layout_ok(u2), "uuid4 layout 8-4-4-4-12, lower-case hex, "
	   "RFC 4122 variant: %s", u1);
	{
		/* many ids, across several refills of the per-thread random buffer: all distinct;
		 * a long run of random bytes has no 32-byte stretch of zeros (the buffer wipes
		 * what it hands out: handing out wiped bytes would show here) */
		static char many[2000][37];
		static unsigned char bytes[1500];
		bool distinct = true, zeros = false;

		for (int i = 0; i < 2000; i++)
			fg_uuid4(many[i]);
		qsort(many, 2000, sizeof(many[0]), cmp_str);
		for (int i = 1; i < 2000; i++)
			distinct = distinct && strcmp(many[i - 1], many[i]) != 0;
		fg_random(bytes, sizeof(bytes));
		for (size_t i = 0, run = 0; i < sizeof(bytes); i++) {
			run = bytes[i] == 0 ? run + 1 : 0;
			zeros = zeros || run >= 32;
		}
		ok(distinct && !zeros, "2000 uuid4s are distinct; 1500 random bytes have no run of "
		   "zeros");
	}
	fg_id_from_hash(fg_hash64(parts, 4), "abcdefghijklmnopqrstuvwxyz0123456789", 10, id);
	fg_id_from_hash(fg_hash64(parts, 4), "abcdefghijklmnopqrstuvwxyz0123456789", 10, id2);
	ok(strlen(id) == 10 && strcmp(id, id2) == 0, "deterministic id is stable: %s", id);
	fg_time_iso(0, iso);
	is_str(iso, "1970-01-01T00:00:00Z", "iso time");
	fg_time_iso_ms(1767225600123LL, isoms);
	is_str(isoms, "2026-01-01T00:00:00.123Z", "iso time with ms");
	ok(fg_time_parse_iso("2026-01-01T00:00:00Z", &ms) && ms == 1767225600000LL, "parse iso");
	ok(fg_time_parse_iso("2026-01-01T00:00:00.5Z", &ms) && ms == 1767225600500LL,
	   "parse iso with fraction");
	ok(!fg_time_parse_iso("2026-13-01T00:00:00Z", &ms), "month 13 is refused");
	ok(!fg_time_parse_iso("yesterday", &ms), "garbage is refused");
}

static void test_base64_err(void)
{
	char *b = fg_base64((const unsigned char *)"hello", 5);
	struct fg_err e;

	is_str(b, "aGVsbG8=", "base64 with padding");
	free(b);
	fg_err_clear(&e);
	ok(!fg_err_isset(&e), "cleared error is unset");
	fg_err_set(&e, 400, "ValidationError", "bad %s", "thing");
	fg_err_at(&e, "Api", "Resources.Api.Properties.Name");
	ok(fg_err_isset(&e) && strcmp(e.message, "bad thing") == 0 &&
	   strcmp(e.property, "Resources.Api.Properties.Name") == 0, "error records where");
}

int main(void)
{
	test_arena();
	test_buf();
	test_clock();
	test_ids();
	test_base64_err();
	return tap_done();
}
