/*
 * sigv4_time.c: the request timestamp (aws-behavior.md §2.3 step 5).
 *
 * X-Amz-Date is read as ISO-8601, basic or extended, with an optional fraction and either 'Z'
 * or an offset — the forms SS's parser (chronoutil.rs) accepts; anything else is refused with
 * "Date must be in ISO-8601 'basic format'". A Date header may also carry an RFC 1123 date
 * ("Sun, 30 Aug 2015 12:36:00 GMT"), as in AWS's original SigV4 test suite. Whatever form
 * came in, the string to sign carries the basic form "20150830T123600Z".
 */
#include "sigv4/sigv4_priv.h"

#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void sigv4_time_basic(int64_t ms, char out[17])
{
	int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	int64_t sod = s - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	for (int i = 3; i >= 0; i--, y /= 10)
		out[i] = (char)('0' + y % 10);
	out[4] = (char)('0' + m / 10);
	out[5] = (char)('0' + m % 10);
	out[6] = (char)('0' + d / 10);
	out[7] = (char)('0' + d % 10);
	out[8] = 'T';
	out[9] = (char)('0' + sod / 36000);
	out[10] = (char)('0' + sod / 3600 % 10);
	out[11] = (char)('0' + sod % 3600 / 600);
	out[12] = (char)('0' + sod % 3600 / 60 % 10);
	out[13] = (char)('0' + sod % 60 / 10);
	out[14] = (char)('0' + sod % 10);
	out[15] = 'Z';
	out[16] = '\0';
}

/* n digits at *p into *v (advancing *p); false when not all digits. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		*v = *v * 10 + (c - '0');
	}
	*p += n;
	return true;
}

static bool valid_day(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

static int64_t to_ms(int y, int mo, int d, int h, int mi, int s)
{
	return (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s) *
	       1000;
}

/* SS ISO_8601_REGEX: YYYY-?MM-?DDTHH:?MM:?SS([.,]F+)?(Z|[+-]HH:?MM) */
static bool parse_iso(const char *p, int64_t *ms)
{
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 0;

	if (!digits(&p, 4, &y))
		return false;
	p += *p == '-';
	if (!digits(&p, 2, &mo))
		return false;
	p += *p == '-';
	if (!digits(&p, 2, &d) || *p++ != 'T' || !digits(&p, 2, &h))
		return false;
	p += *p == ':';
	if (!digits(&p, 2, &mi))
		return false;
	p += *p == ':';
	if (!digits(&p, 2, &s))
		return false;
	if (*p == '.' || *p == ',') {
		if (p[1] < '0' || p[1] > '9')
			return false;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, 2, &oh))
			return false;
		p += *p == ':';
		if (!digits(&p, 2, &om) || oh > 19 || om > 59)
			return false;
	} else {
		return false;
	}
	if (*p != '\0' || !valid_day(y, mo, d) || h > 23 || mi > 59 || s > 59)
		return false;
	*ms = to_ms(y, mo, d, h, mi, s) - (int64_t)sign * (oh * 3600 + om * 60) * 1000;
	return true;
}

static int name_index(const char *p, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (strncmp(p, names[i], 3) == 0)
			return i;
	}
	return -1;
}

/* RFC 1123: "Sun, 30 Aug 2015 12:36:00 GMT" */
static bool parse_http(const char *p, int64_t *ms)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const mn[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int d, mo, y, h, mi, s;

	if (strlen(p) != 29 || name_index(p, wd, 7) < 0 || strncmp(p + 3, ", ", 2) != 0)
		return false;
	p += 5;
	if (!digits(&p, 2, &d) || *p++ != ' ' || (mo = name_index(p, mn, 12) + 1) == 0)
		return false;
	p += 3;
	if (*p++ != ' ' || !digits(&p, 4, &y) || *p++ != ' ' || !digits(&p, 2, &h) ||
	    *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &s))
		return false;
	if (strcmp(p, " GMT") != 0 || !valid_day(y, mo, d) || h > 23 || mi > 59 || s > 59)
		return false;
	*ms = to_ms(y, mo, d, h, mi, s);
	return true;
}

bool sigv4_time_parse(const char *s, bool http_date, int64_t *ms_out)
{
	if (s == NULL)
		return false;
	return parse_iso(s, ms_out) || (http_date && parse_http(s, ms_out));
}
