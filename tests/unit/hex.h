/* Test helper: byte strings written as hex ("13 2f 6d"), as in the spec. */
#ifndef __TEST_HEX_H__
#define __TEST_HEX_H__

#include <glib.h>
#include <string.h>

/* Parses hex digits, ignoring spaces; asserts on odd or invalid input. */
static inline GBytes *
hex (const gchar * s)
{
  GByteArray *a = g_byte_array_new ();
  gint hi = -1;

  for (; *s; s++) {
    gint v;

    if (*s == ' ')
      continue;
    v = g_ascii_xdigit_value (*s);
    g_assert_cmpint (v, >=, 0);
    if (hi < 0) {
      hi = v;
    } else {
      guint8 b = (guint8) (hi << 4 | v);
      g_byte_array_append (a, &b, 1);
      hi = -1;
    }
  }
  g_assert_cmpint (hi, ==, -1);
  return g_byte_array_free_to_bytes (a);
}

static inline void
assert_bytes_eq (const guint8 * got, gsize got_len, GBytes * want)
{
  gsize wl;
  const guint8 *w = g_bytes_get_data (want, &wl);

  g_assert_cmpmem (got, got_len, w, wl);
}

/* Concatenation of spec strings: HDR, ECHO, ... */
#define HDR "13 2f 6d 75 6c 74 69 73 74 72 65 61 6d 2f 31 2e 30 2e 30 0a"
#define ECHO_ "0c 2f 65 63 68 6f 2f 31 2e 30 2e 30 0a"
#define NOPE "0c 2f 6e 6f 70 65 2f 31 2e 30 2e 30 0a"
#define PING "11 2f 69 70 66 73 2f 70 69 6e 67 2f 31 2e 30 2e 30 0a"
#define NA "03 6e 61 0a"
#define LS "03 6c 73 0a"

#endif
