/* gst-libp2p: the identify message (see identify.h) */
#include "identify.h"
#include "varint.h"

#include <string.h>

G_DEFINE_QUARK (lp2p-identify-error-quark, lp2p_identify_error);

enum
{
  F_PUBLIC_KEY = 1,
  F_LISTEN_ADDRS = 2,
  F_PROTOCOLS = 3,
  F_OBSERVED_ADDR = 4,
  F_PROTOCOL_VERSION = 5,
  F_AGENT_VERSION = 6,
  F_SIGNED_PEER_RECORD = 8,
};

#define WIRE_VARINT 0
#define WIRE_I64 1
#define WIRE_LEN 2
#define WIRE_I32 5

void
lp2p_identify_init (Lp2pIdentify * id)
{
  memset (id, 0, sizeof (*id));
  id->listen_addrs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  id->protocols = g_ptr_array_new_with_free_func (g_free);
}

void
lp2p_identify_clear (Lp2pIdentify * id)
{
  g_clear_pointer (&id->protocol_version, g_free);
  g_clear_pointer (&id->agent_version, g_free);
  g_clear_pointer (&id->public_key, g_bytes_unref);
  g_clear_pointer (&id->listen_addrs, g_ptr_array_unref);
  g_clear_pointer (&id->observed_addr, g_bytes_unref);
  g_clear_pointer (&id->protocols, g_ptr_array_unref);
  g_clear_pointer (&id->signed_peer_record, g_bytes_unref);
}

/* ---- encoding ---- */

static void
put_varint (GByteArray * out, guint64 v)
{
  guint8 b[LP2P_VARINT_MAX_BYTES];

  g_byte_array_append (out, b, lp2p_varint_encode (v, b));
}

static void
put_bytes (GByteArray * out, guint field, const guint8 * data, gsize len)
{
  put_varint (out, (field << 3) | WIRE_LEN);
  put_varint (out, len);
  g_byte_array_append (out, data, len);
}

static void
put_gbytes (GByteArray * out, guint field, GBytes * b)
{
  gsize len;
  const guint8 *d;

  if (b == NULL)
    return;
  d = g_bytes_get_data (b, &len);
  put_bytes (out, field, d, len);
}

static void
put_string (GByteArray * out, guint field, const gchar * s)
{
  if (s)
    put_bytes (out, field, (const guint8 *) s, strlen (s));
}

GBytes *
lp2p_identify_encode (const Lp2pIdentify * id)
{
  GByteArray *out = g_byte_array_new ();
  guint i;

  put_gbytes (out, F_PUBLIC_KEY, id->public_key);
  for (i = 0; id->listen_addrs && i < id->listen_addrs->len; i++)
    put_gbytes (out, F_LISTEN_ADDRS, g_ptr_array_index (id->listen_addrs, i));
  for (i = 0; id->protocols && i < id->protocols->len; i++)
    put_string (out, F_PROTOCOLS, g_ptr_array_index (id->protocols, i));
  put_gbytes (out, F_OBSERVED_ADDR, id->observed_addr);
  put_string (out, F_PROTOCOL_VERSION, id->protocol_version);
  put_string (out, F_AGENT_VERSION, id->agent_version);
  put_gbytes (out, F_SIGNED_PEER_RECORD, id->signed_peer_record);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
lp2p_identify_encode_delimited (const Lp2pIdentify * id)
{
  g_autoptr (GBytes) body = lp2p_identify_encode (id);
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *d = g_bytes_get_data (body, &len);

  put_varint (out, len);
  g_byte_array_append (out, d, len);
  return g_byte_array_free_to_bytes (out);
}

/* ---- decoding ---- */

static gboolean
fail (GError ** error, Lp2pIdentifyError code, const gchar * fmt, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError ** error, Lp2pIdentifyError code, const gchar * fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  if (error)
    *error = g_error_new_valist (LP2P_IDENTIFY_ERROR, code, fmt, ap);
  va_end (ap);
  return FALSE;
}

/* A string field: UTF-8, no NUL, bounded. */
static gboolean
take_string (const guint8 * d, gsize len, const gchar * what, gchar ** out,
    GError ** error)
{
  if (len > LP2P_IDENTIFY_MAX_STRING)
    return fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "%s of %"
        G_GSIZE_FORMAT " bytes is longer than %d", what, len,
        LP2P_IDENTIFY_MAX_STRING);
  if (memchr (d, 0, len) || !g_utf8_validate_len ((const gchar *) d, len,
          NULL))
    return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "%s is not UTF-8 "
        "text", what);
  g_free (*out);
  *out = g_strndup ((const gchar *) d, len);
  return TRUE;
}

/* A bytes field of at most @max bytes into *@one (replacing), or appended
 * to @list (at most LP2P_IDENTIFY_MAX_ADDRS). */
static gboolean
take_bytes (const guint8 * d, gsize len, gsize max, const gchar * what,
    GBytes ** one, GPtrArray * list, GError ** error)
{
  if (len > max)
    return fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "%s of %"
        G_GSIZE_FORMAT " bytes is longer than %" G_GSIZE_FORMAT, what, len,
        max);
  if (list && list->len >= LP2P_IDENTIFY_MAX_ADDRS)
    return fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "more than %d %ss",
        LP2P_IDENTIFY_MAX_ADDRS, what);
  if (list) {
    g_ptr_array_add (list, g_bytes_new (d, len));
  } else {
    g_clear_pointer (one, g_bytes_unref);
    *one = g_bytes_new (d, len);
  }
  return TRUE;
}

static gboolean
take_field (Lp2pIdentify * id, guint field, const guint8 * d, gsize len,
    GError ** error)
{
  gchar *proto = NULL;

  switch (field) {
    case F_PUBLIC_KEY:
      return take_bytes (d, len, LP2P_IDENTIFY_MAX_STRING, "publicKey",
          &id->public_key, NULL, error);
    case F_SIGNED_PEER_RECORD:
      return take_bytes (d, len, LP2P_IDENTIFY_MAX_MESSAGE,
          "signedPeerRecord", &id->signed_peer_record, NULL, error);
    case F_LISTEN_ADDRS:
      return take_bytes (d, len, LP2P_IDENTIFY_MAX_STRING, "listen address",
          NULL, id->listen_addrs, error);
    case F_OBSERVED_ADDR:
      return take_bytes (d, len, LP2P_IDENTIFY_MAX_STRING, "observedAddr",
          &id->observed_addr, NULL, error);
    case F_PROTOCOL_VERSION:
      return take_string (d, len, "protocolVersion", &id->protocol_version,
          error);
    case F_AGENT_VERSION:
      return take_string (d, len, "agentVersion", &id->agent_version, error);
    case F_PROTOCOLS:
      if (id->protocols->len >= LP2P_IDENTIFY_MAX_PROTOCOLS)
        return fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "more than %d "
            "protocols", LP2P_IDENTIFY_MAX_PROTOCOLS);
      if (!take_string (d, len, "a protocol", &proto, error))
        return FALSE;
      g_ptr_array_add (id->protocols, proto);
      return TRUE;
    default:
      return TRUE;              /* unknown: skipped */
  }
}

/* Reads one field's key and, for a length-delimited one, its bytes; skips
 * the others.  FALSE with @error when the body ends inside it. */
static gboolean
next_field (const guint8 * body, gsize len, gsize * pos, guint * field,
    const guint8 ** d, gsize * dlen, GError ** error)
{
  guint64 key, v;
  gsize used;
  guint wire;

  if (lp2p_varint_decode (body + *pos, len - *pos, LP2P_VARINT_MAX_BYTES,
          &key, &used) != LP2P_VARINT_OK)
    return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "bad field key");
  *pos += used;
  *field = (guint) MIN (key >> 3, G_MAXUINT);
  wire = key & 7;
  *d = NULL;
  *dlen = 0;
  if (*field == 0)
    return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "field number 0");
  switch (wire) {
    case WIRE_VARINT:
      if (lp2p_varint_decode (body + *pos, len - *pos, LP2P_VARINT_MAX_BYTES,
              &v, &used) != LP2P_VARINT_OK)
        return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "bad varint");
      *pos += used;
      break;
    case WIRE_I64:
    case WIRE_I32:
      if (len - *pos < (wire == WIRE_I64 ? 8u : 4u))
        return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "truncated");
      *pos += wire == WIRE_I64 ? 8 : 4;
      break;
    case WIRE_LEN:
      if (lp2p_varint_decode (body + *pos, len - *pos, LP2P_VARINT_MAX_BYTES,
              &v, &used) != LP2P_VARINT_OK || v > len - *pos - used)
        return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "field %u ends "
            "past the message", *field);
      *pos += used;
      *d = body + *pos;
      *dlen = (gsize) v;
      *pos += (gsize) v;
      return TRUE;
    default:
      return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "wire type %u",
          wire);
  }
  /* every known field is length-delimited */
  if (*field <= F_SIGNED_PEER_RECORD && *field != 7)
    return fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "field %u is not "
        "length-delimited", *field);
  return TRUE;
}

gboolean
lp2p_identify_decode (const guint8 * body, gsize len, Lp2pIdentify * id,
    GError ** error)
{
  gsize pos = 0;

  lp2p_identify_init (id);
  if (len > LP2P_IDENTIFY_MAX_MESSAGE)
    return fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "message of %"
        G_GSIZE_FORMAT " bytes is longer than %d", len,
        LP2P_IDENTIFY_MAX_MESSAGE);
  while (pos < len) {
    const guint8 *d = NULL;
    gsize dlen = 0;
    guint field = 0;

    if (!next_field (body, len, &pos, &field, &d, &dlen, error) ||
        (d && !take_field (id, field, d, dlen, error))) {
      lp2p_identify_clear (id);
      lp2p_identify_init (id);
      return FALSE;
    }
  }
  return TRUE;
}

Lp2pIdentifyReadResult
lp2p_identify_read_delimited (const guint8 * data, gsize len,
    Lp2pIdentify * id, gsize * consumed, GError ** error)
{
  guint64 n;
  gsize used;

  switch (lp2p_varint_decode (data, len, LP2P_VARINT_MAX_BYTES, &n, &used)) {
    case LP2P_VARINT_NEED_MORE:
      return LP2P_IDENTIFY_READ_NEED_MORE;
    case LP2P_VARINT_INVALID:
      fail (error, LP2P_IDENTIFY_ERROR_MALFORMED, "bad length prefix");
      return LP2P_IDENTIFY_READ_INVALID;
    case LP2P_VARINT_OK:
      break;
  }
  if (n > LP2P_IDENTIFY_MAX_MESSAGE) {
    fail (error, LP2P_IDENTIFY_ERROR_TOO_LARGE, "message of %" G_GUINT64_FORMAT
        " bytes is longer than %d", n, LP2P_IDENTIFY_MAX_MESSAGE);
    return LP2P_IDENTIFY_READ_INVALID;
  }
  if (len - used < n)
    return LP2P_IDENTIFY_READ_NEED_MORE;
  if (!lp2p_identify_decode (data + used, (gsize) n, id, error))
    return LP2P_IDENTIFY_READ_INVALID;
  *consumed = used + (gsize) n;
  return LP2P_IDENTIFY_READ_OK;
}
