/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rstmon: the words of an RST's acceptance and the escaping of its
 * payload, as /proc/net/rstmon and rstmonctl print them.
 *
 * Like names.h, one copy for the module (module/accept.c) and rstmonctl
 * (userspace-ctl/accepted.c); it needs nothing but the uapi header, and
 * its includer defines __maybe_unused.
 */
#ifndef _RSTMON_ACCEPT_NAMES_H
#define _RSTMON_ACCEPT_NAMES_H

#include <linux/rstmon.h>

static const char *const rstmon_accepted_names[] __maybe_unused = {
	[RSTMON_ACCEPTED_NA] = "-",
	[RSTMON_ACCEPTED_YES] = "yes",
	[RSTMON_ACCEPTED_NO] = "no",
	[RSTMON_ACCEPTED_CHALLENGED] = "challenged",
};

static inline const char *rstmon_accepted_name(unsigned int v)
{
	return v < __RSTMON_ACCEPTED_MAX ? rstmon_accepted_names[v] : "-";
}

/* Room rstmon_payload_escape() needs for @n bytes, with the NUL. */
#define RSTMON_PAYLOAD_ESC_LEN(n)	(4 * (n) + 1)

/*
 * @n bytes of an RST's payload as one word of text: printable ASCII but
 * space, '"' and '\' kept, '"' and '\' backslash-escaped, every other byte
 * (space included: a /proc line is one field per word) as \xNN.  @out has
 * RSTMON_PAYLOAD_ESC_LEN(@n) bytes.
 */
static inline void rstmon_payload_escape(char *out, const unsigned char *p, unsigned int n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			*out++ = '\\';
			*out++ = c;
		} else if (c > ' ' && c < 0x7f) {
			*out++ = c;
		} else {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = hex[c >> 4];
			*out++ = hex[c & 15];
		}
	}
	*out = '\0';
}

#endif /* _RSTMON_ACCEPT_NAMES_H */
