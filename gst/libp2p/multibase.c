/* gst-libp2p: multibase text encodings (see multibase.h) */
#include "multibase.h"

#include <string.h>

G_DEFINE_QUARK (lp2p-multibase-error-quark, lp2p_multibase_error);

static const gchar b58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const gchar b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const gchar b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const gchar b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

static gboolean
check_len (gsize len, GError ** error)
{
  if (len == 0) {
    g_set_error_literal (error, LP2P_MULTIBASE_ERROR,
        LP2P_MULTIBASE_ERROR_EMPTY, "empty");
    return FALSE;
  }
  if (len > LP2P_MULTIBASE_MAX_INPUT) {
    g_set_error (error, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_TOO_LONG,
        "%" G_GSIZE_FORMAT " characters, more than %d", len,
        LP2P_MULTIBASE_MAX_INPUT);
    return FALSE;
  }
  return TRUE;
}

static gboolean
bad_char (gchar c, const gchar * base, GError ** error)
{
  if (g_ascii_isprint (c))
    g_set_error (error, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_CHARACTER,
        "'%c' is not a %s character", c, base);
  else
    g_set_error (error, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_CHARACTER,
        "byte 0x%02x is not a %s character", (guint8) c, base);
  return FALSE;
}

static gboolean
too_long (GError ** error)
{
  g_set_error_literal (error, LP2P_MULTIBASE_ERROR,
      LP2P_MULTIBASE_ERROR_TOO_LONG, "decodes to more bytes than allowed");
  return FALSE;
}

/* ---- base58btc ---- */

gchar *
lp2p_base58btc_encode (const guint8 * data, gsize len)
{
  gsize zeros = 0, size, i, high, j;
  guint8 *buf;
  GString *s;

  while (zeros < len && data[zeros] == 0)
    zeros++;
  /* log(256) / log(58) < 1.38 */
  size = (len - zeros) * 138 / 100 + 1;
  buf = g_malloc0 (size);
  high = size - 1;
  for (i = zeros; i < len; i++) {
    guint carry = data[i];

    for (j = size - 1; j > high || carry; j--) {
      carry += 256 * buf[j];
      buf[j] = carry % 58;
      carry /= 58;
      if (j == 0)
        break;
    }
    high = j;
  }
  for (j = 0; j < size && buf[j] == 0; j++);
  s = g_string_sized_new (zeros + size - j + 1);
  for (i = 0; i < zeros; i++)
    g_string_append_c (s, '1');
  for (; j < size; j++)
    g_string_append_c (s, b58_alphabet[buf[j]]);
  g_free (buf);
  return g_string_free (s, FALSE);
}

gboolean
lp2p_base58btc_decode (const gchar * s, gsize len, guint8 * out, gsize cap,
    gsize * out_len, GError ** error)
{
  guint8 buf[LP2P_MULTIBASE_MAX_INPUT];
  gsize zeros = 0, used = 0, i, j;

  if (!check_len (len, error))
    return FALSE;
  while (zeros < len && s[zeros] == '1')
    zeros++;
  /* buf holds the value big-endian in its last `used` bytes */
  for (i = zeros; i < len; i++) {
    const gchar *p = s[i] ? strchr (b58_alphabet, s[i]) : NULL;
    guint carry;

    if (p == NULL)
      return bad_char (s[i], "base58btc", error);
    carry = (guint) (p - b58_alphabet);
    for (j = 0; j < used; j++) {
      carry += 58 * buf[sizeof (buf) - 1 - j];
      buf[sizeof (buf) - 1 - j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry) {
      buf[sizeof (buf) - 1 - used++] = carry & 0xff;
      carry >>= 8;
    }
  }
  if (zeros + used > cap)
    return too_long (error);
  memset (out, 0, zeros);
  memcpy (out + zeros, buf + sizeof (buf) - used, used);
  *out_len = zeros + used;
  return TRUE;
}

/* ---- base64 / base64url (RFC 4648 §4, §5), no padding ---- */

static gchar *
base64_encode (const guint8 * data, gsize len, const gchar * alphabet)
{
  GString *s = g_string_sized_new ((len + 2) / 3 * 4 + 1);
  gsize i;

  for (i = 0; i + 2 < len; i += 3) {
    guint32 v = data[i] << 16 | data[i + 1] << 8 | data[i + 2];

    g_string_append_c (s, alphabet[v >> 18 & 63]);
    g_string_append_c (s, alphabet[v >> 12 & 63]);
    g_string_append_c (s, alphabet[v >> 6 & 63]);
    g_string_append_c (s, alphabet[v & 63]);
  }
  if (len - i == 1) {
    g_string_append_c (s, alphabet[data[i] >> 2]);
    g_string_append_c (s, alphabet[(data[i] & 3) << 4]);
  } else if (len - i == 2) {
    guint32 v = data[i] << 8 | data[i + 1];

    g_string_append_c (s, alphabet[v >> 10 & 63]);
    g_string_append_c (s, alphabet[v >> 4 & 63]);
    g_string_append_c (s, alphabet[(v & 15) << 2]);
  }
  return g_string_free (s, FALSE);
}

gchar *
lp2p_base64url_encode (const guint8 * data, gsize len)
{
  return base64_encode (data, len, b64url_alphabet);
}

/* Shared by base64 and base32: packs @bits-wide digits into bytes. */
static gboolean
unpack_bits (const gchar * s, gsize len, const gchar * alphabet, guint bits,
    const gchar * base, guint8 * out, gsize cap, gsize * out_len,
    GError ** error)
{
  guint32 acc = 0;
  guint nbits = 0;
  gsize n = 0, i;

  if (!check_len (len, error))
    return FALSE;
  for (i = 0; i < len; i++) {
    const gchar *p = s[i] ? strchr (alphabet, s[i]) : NULL;

    if (p == NULL) {
      if (s[i] == '=') {
        g_set_error (error, LP2P_MULTIBASE_ERROR,
            LP2P_MULTIBASE_ERROR_TRAILING_BITS,
            "%s here is written without '=' padding", base);
        return FALSE;
      }
      return bad_char (s[i], base, error);
    }
    acc = acc << bits | (guint32) (p - alphabet);
    nbits += bits;
    if (nbits >= 8) {
      nbits -= 8;
      if (n >= cap)
        return too_long (error);
      out[n++] = acc >> nbits & 0xff;
      acc &= (1u << nbits) - 1;
    }
  }
  /* What is left must be fewer bits than one digit and all zero, else the
   * text has a length no encoder produces or a second spelling. */
  if (nbits >= bits || acc != 0) {
    g_set_error (error, LP2P_MULTIBASE_ERROR,
        LP2P_MULTIBASE_ERROR_TRAILING_BITS,
        "%s text of %" G_GSIZE_FORMAT " characters has a non-canonical end",
        base, len);
    return FALSE;
  }
  *out_len = n;
  return TRUE;
}

gboolean
lp2p_base64_decode (const gchar * s, gsize len, gboolean url, guint8 * out,
    gsize cap, gsize * out_len, GError ** error)
{
  return unpack_bits (s, len, url ? b64url_alphabet : b64_alphabet, 6,
      url ? "base64url" : "base64", out, cap, out_len, error);
}

/* ---- base32 (RFC 4648 §6, lower case), no padding ---- */

gchar *
lp2p_base32_encode (const guint8 * data, gsize len)
{
  GString *s = g_string_sized_new ((len * 8 + 4) / 5 + 1);
  guint32 acc = 0;
  guint nbits = 0;
  gsize i;

  for (i = 0; i < len; i++) {
    acc = acc << 8 | data[i];
    nbits += 8;
    while (nbits >= 5) {
      nbits -= 5;
      g_string_append_c (s, b32_alphabet[acc >> nbits & 31]);
    }
    acc &= (1u << nbits) - 1;
  }
  if (nbits)
    g_string_append_c (s, b32_alphabet[acc << (5 - nbits) & 31]);
  return g_string_free (s, FALSE);
}

gboolean
lp2p_base32_decode (const gchar * s, gsize len, guint8 * out, gsize cap,
    gsize * out_len, GError ** error)
{
  return unpack_bits (s, len, b32_alphabet, 5, "base32", out, cap, out_len,
      error);
}

/* ---- base16 ---- */

gboolean
lp2p_base16_decode (const gchar * s, gsize len, guint8 * out, gsize cap,
    gsize * out_len, GError ** error)
{
  gsize i;

  if (!check_len (len, error))
    return FALSE;
  if (len % 2) {
    g_set_error (error, LP2P_MULTIBASE_ERROR,
        LP2P_MULTIBASE_ERROR_TRAILING_BITS,
        "base16 text has an odd number of digits");
    return FALSE;
  }
  if (len / 2 > cap)
    return too_long (error);
  for (i = 0; i < len; i += 2) {
    /* multibase 'f' is lower case */
    if (!strchr ("0123456789abcdef", s[i]) || !s[i])
      return bad_char (s[i], "base16", error);
    if (!strchr ("0123456789abcdef", s[i + 1]) || !s[i + 1])
      return bad_char (s[i + 1], "base16", error);
    out[i / 2] = g_ascii_xdigit_value (s[i]) << 4 |
        g_ascii_xdigit_value (s[i + 1]);
  }
  *out_len = len / 2;
  return TRUE;
}

gboolean
lp2p_multibase_decode (const gchar * s, gsize len, guint8 * out, gsize cap,
    gsize * out_len, GError ** error)
{
  if (len == 0)
    return check_len (0, error);
  switch (s[0]) {
    case 'u':
      return lp2p_base64_decode (s + 1, len - 1, TRUE, out, cap, out_len,
          error);
    case 'm':
      return lp2p_base64_decode (s + 1, len - 1, FALSE, out, cap, out_len,
          error);
    case 'z':
      return lp2p_base58btc_decode (s + 1, len - 1, out, cap, out_len, error);
    case 'b':
      return lp2p_base32_decode (s + 1, len - 1, out, cap, out_len, error);
    case 'f':
      return lp2p_base16_decode (s + 1, len - 1, out, cap, out_len, error);
    default:
      if (g_ascii_isprint (s[0]))
        g_set_error (error, LP2P_MULTIBASE_ERROR,
            LP2P_MULTIBASE_ERROR_UNKNOWN_BASE,
            "unsupported multibase prefix '%c' (read: u, m, z, b, f)", s[0]);
      else
        g_set_error (error, LP2P_MULTIBASE_ERROR,
            LP2P_MULTIBASE_ERROR_UNKNOWN_BASE,
            "unsupported multibase prefix byte 0x%02x", (guint8) s[0]);
      return FALSE;
  }
}
