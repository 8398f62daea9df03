/* gst-libp2p: binary multiaddrs as text (multiformats/multiaddr)
 *
 * What identify carries (listenAddrs, observedAddr) is binary: each
 * component is its varint code, then its value: fixed-size for addresses
 * and ports, varint-length-prefixed for names, peer ids and certhashes.
 * Codes and value forms: multiformats/multicodec table.csv and multiaddr
 * protocols.csv.  Bounded: at most LP2P_MULTIADDR_MAX_BYTES in, at most
 * LP2P_MULTIADDR_MAX_COMPONENTS components; an unknown code, a truncated
 * value or a name that is not printable text without '/' refuses the whole
 * address (its value's length is unknown, so nothing after it could be
 * read).
 */
#include "multiaddr.h"
#include "multibase.h"
#include "varint.h"

#include <arpa/inet.h>
#include <string.h>

typedef enum
{
  V_NONE,                       /* no value */
  V_IP4,                        /* 4 bytes */
  V_IP6,                        /* 16 bytes */
  V_PORT,                       /* 2 bytes, big endian */
  V_TEXT,                       /* varint length, printable text */
  V_PEER_ID,                    /* varint length, multihash: base58btc */
  V_MULTIBASE,                  /* varint length, bytes: 'u' base64url */
} ValueKind;

typedef struct
{
  guint code;
  const gchar *name;
  ValueKind kind;
} Proto;

/* the protocols libp2p nodes advertise (multiaddr protocols.csv) */
static const Proto protos[] = {
  {0x04, "ip4", V_IP4},
  {0x06, "tcp", V_PORT},
  {0x21, "dccp", V_PORT},
  {0x29, "ip6", V_IP6},
  {0x2a, "ip6zone", V_TEXT},
  {0x35, "dns", V_TEXT},
  {0x36, "dns4", V_TEXT},
  {0x37, "dns6", V_TEXT},
  {0x38, "dnsaddr", V_TEXT},
  {0x84, "sctp", V_PORT},
  {0x0111, "udp", V_PORT},
  {0x0113, "p2p-webrtc-star", V_NONE},
  {0x0114, "p2p-webrtc-direct", V_NONE},
  {0x0118, "webrtc-direct", V_NONE},
  {0x0119, "webrtc", V_NONE},
  {0x0122, "p2p-circuit", V_NONE},
  {0x012d, "udt", V_NONE},
  {0x012e, "utp", V_NONE},
  {0x01a5, "p2p", V_PEER_ID},
  {0x01bb, "https", V_NONE},
  {0x01c0, "tls", V_NONE},
  {0x01c1, "sni", V_TEXT},
  {0x01c6, "noise", V_NONE},
  {0x01cc, "quic", V_NONE},
  {0x01cd, "quic-v1", V_NONE},
  {0x01d1, "webtransport", V_NONE},
  {0x01d2, "certhash", V_MULTIBASE},
  {0x01dd, "ws", V_NONE},
  {0x01de, "wss", V_NONE},
  {0x01df, "p2p-websocket-star", V_NONE},
  {0x01e0, "http", V_NONE},
};

static const Proto *
find_proto (guint64 code)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (protos); i++)
    if (protos[i].code == code)
      return &protos[i];
  return NULL;
}

static gboolean
bin_fail (GError ** error, const gchar * fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bin_fail (GError ** error, const gchar * fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  if (error)
    *error = g_error_new_valist (LP2P_MULTIADDR_ERROR,
        LP2P_MULTIADDR_ERROR_SYNTAX, fmt, ap);
  va_end (ap);
  return FALSE;
}

static gboolean
text_ok (const guint8 * s, gsize len)
{
  gsize i;

  if (len == 0 || !g_utf8_validate ((const gchar *) s, len, NULL))
    return FALSE;
  for (i = 0; i < len; i++)
    if (s[i] < 0x21 || s[i] == 0x7f || s[i] == '/')
      return FALSE;
  return TRUE;
}

/* Appends the text of one value of @p (@v, @n bytes) to @out. */
static gboolean
append_value (GString * out, const Proto * p, const guint8 * v, gsize n,
    GError ** error)
{
  gchar ip[INET6_ADDRSTRLEN];
  gchar *enc;

  switch (p->kind) {
    case V_NONE:
      return TRUE;
    case V_IP4:
    case V_IP6:
      inet_ntop (p->kind == V_IP4 ? AF_INET : AF_INET6, v, ip, sizeof (ip));
      g_string_append_printf (out, "/%s", ip);
      return TRUE;
    case V_PORT:
      g_string_append_printf (out, "/%u", ((guint) v[0] << 8) | v[1]);
      return TRUE;
    case V_TEXT:
      if (!text_ok (v, n))
        return bin_fail (error, "/%s: the value is not printable text "
            "without '/'", p->name);
      g_string_append_c (out, '/');
      g_string_append_len (out, (const gchar *) v, n);
      return TRUE;
    case V_PEER_ID:{
      Lp2pPeerId id;
      GError *err = NULL;

      if (!lp2p_peer_id_from_bytes (v, n, &id, &err)) {
        bin_fail (error, "/p2p: %s", err->message);
        g_error_free (err);
        return FALSE;
      }
      enc = lp2p_peer_id_to_string (&id);
      break;
    }
    case V_MULTIBASE:{
      gchar *b64;

      if (n == 0)
        return bin_fail (error, "/%s: empty value", p->name);
      b64 = lp2p_base64url_encode (v, n);
      enc = g_strconcat ("u", b64, NULL);
      g_free (b64);
      break;
    }
    default:
      g_assert_not_reached ();
  }
  g_string_append_printf (out, "/%s", enc);
  g_free (enc);
  return TRUE;
}

static gsize
fixed_size (ValueKind kind)
{
  switch (kind) {
    case V_IP4:
      return 4;
    case V_IP6:
      return 16;
    case V_PORT:
      return 2;
    default:
      return 0;
  }
}

gchar *
lp2p_multiaddr_bytes_to_string (const guint8 * data, gsize len,
    GError ** error)
{
  GString *out;
  gsize off = 0;
  guint count = 0;

  if (len == 0 || len > LP2P_MULTIADDR_MAX_BYTES) {
    bin_fail (error, "a binary multiaddr of %" G_GSIZE_FORMAT " bytes (1.."
        "%d)", len, LP2P_MULTIADDR_MAX_BYTES);
    return NULL;
  }
  out = g_string_new (NULL);
  while (off < len) {
    guint64 code, vlen;
    gsize used, n;
    const Proto *p;

    if (++count > LP2P_MULTIADDR_MAX_COMPONENTS) {
      bin_fail (error, "more than %d components",
          LP2P_MULTIADDR_MAX_COMPONENTS);
      goto fail;
    }
    if (lp2p_varint_decode (data + off, len - off, LP2P_VARINT_MAX_BYTES,
            &code, &used) != LP2P_VARINT_OK) {
      bin_fail (error, "a bad protocol code at byte %" G_GSIZE_FORMAT, off);
      goto fail;
    }
    off += used;
    if ((p = find_proto (code)) == NULL) {
      bin_fail (error, "unknown protocol code 0x%" G_GINT64_MODIFIER "x",
          code);
      goto fail;
    }
    n = fixed_size (p->kind);
    if (p->kind >= V_TEXT) {
      if (lp2p_varint_decode (data + off, len - off, LP2P_VARINT_MAX_BYTES,
              &vlen, &used) != LP2P_VARINT_OK) {
        bin_fail (error, "/%s: a bad value length", p->name);
        goto fail;
      }
      off += used;
      if (vlen > len - off) {
        bin_fail (error, "/%s: the value ends after the address", p->name);
        goto fail;
      }
      n = (gsize) vlen;
    } else if (n > len - off) {
      bin_fail (error, "/%s: the value ends after the address", p->name);
      goto fail;
    }
    g_string_append_printf (out, "/%s", p->name);
    if (!append_value (out, p, data + off, n, error))
      goto fail;
    off += n;
  }
  return g_string_free (out, FALSE);

fail:
  g_string_free (out, TRUE);
  return NULL;
}
