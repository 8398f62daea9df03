/* gst-libp2p: WebRTC-direct multiaddrs (see multiaddr.h) */
#include "multiaddr.h"
#include "multibase.h"
#include "varint.h"

#include <arpa/inet.h>
#include <string.h>

G_DEFINE_QUARK (lp2p-multiaddr-error-quark, lp2p_multiaddr_error);

#define CODE_IP4 0x04
#define CODE_IP6 0x29
#define CODE_DNS 0x35
#define CODE_DNS4 0x36
#define CODE_DNS6 0x37
#define CODE_UDP 0x0111
#define CODE_WEBRTC_DIRECT 0x0118
#define CODE_CERTHASH 0x01d2
#define CODE_P2P 0x01a5

static gboolean
fail (GError ** error, Lp2pMultiaddrError code, const gchar * fmt, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError ** error, Lp2pMultiaddrError code, const gchar * fmt, ...)
{
  va_list ap;
  gchar *msg;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, LP2P_MULTIADDR_ERROR, code, msg);
  g_free (msg);
  return FALSE;
}

static gboolean
parse_port (const gchar * s, guint16 * port, GError ** error)
{
  guint64 v = 0;
  const gchar *p;

  if (*s == '\0')
    return fail (error, LP2P_MULTIADDR_ERROR_PORT, "/udp/ has no port");
  for (p = s; *p; p++) {
    if (!g_ascii_isdigit (*p) || p - s > 5)
      return fail (error, LP2P_MULTIADDR_ERROR_PORT,
          "UDP port '%s' is not a decimal number from 1 to 65535", s);
    v = v * 10 + (guint64) (*p - '0');
  }
  if ((s[0] == '0' && s[1] != '\0') || v == 0 || v > 65535)
    return fail (error, LP2P_MULTIADDR_ERROR_PORT,
        "UDP port '%s' is not a decimal number from 1 to 65535", s);
  *port = (guint16) v;
  return TRUE;
}

static gboolean
parse_certhash (const gchar * s, guint8 digest[32], GError ** error)
{
  guint8 mh[LP2P_MULTIBASE_MAX_INPUT];
  gsize n, pos = 0, used;
  guint64 code, len;
  g_autoptr (GError) err = NULL;

  if (*s == '\0')
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH, "/certhash/ is empty");
  if (!lp2p_multibase_decode (s, strlen (s), mh, sizeof (mh), &n, &err))
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "certhash '%s': %s", s, err->message);
  if (lp2p_varint_decode (mh, n, LP2P_VARINT_MAX_BYTES, &code, &used)
      != LP2P_VARINT_OK)
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "certhash '%s' is not a multihash", s);
  pos = used;
  if (lp2p_varint_decode (mh + pos, n - pos, LP2P_VARINT_MAX_BYTES, &len,
          &used) != LP2P_VARINT_OK || len != n - pos - used)
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "certhash '%s': the multihash length does not match its digest", s);
  pos += used;
  if (code != LP2P_MULTIHASH_SHA2_256)
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "certhash '%s' uses hash function 0x%" G_GINT64_MODIFIER "x; only "
        "sha2-256 (0x12) is supported", s, code);
  if (len != 32)
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "certhash '%s' has a sha2-256 digest of %" G_GUINT64_FORMAT
        " bytes, not 32", s, len);
  memcpy (digest, mh + pos, 32);
  return TRUE;
}

/* RFC 1123 host names: labels of 1..63 letters, digits and '-', not
 * starting or ending with '-'; a trailing '.' is not accepted. */
static gboolean
valid_name (const gchar * s)
{
  gsize len = strlen (s), label = 0, i;

  if (len == 0 || len > LP2P_MULTIADDR_MAX_NAME)
    return FALSE;
  for (i = 0; i <= len; i++) {
    gchar c = s[i];

    if (c == '.' || c == '\0') {
      if (label == 0 || label > 63 || s[i - 1] == '-')
        return FALSE;
      label = 0;
    } else if (g_ascii_isalnum (c) || (c == '-' && label > 0)) {
      label++;
    } else {
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
lp2p_webrtc_direct_addr_parse (const gchar * text,
    Lp2pWebrtcDirectAddr * addr, GError ** error)
{
  g_auto (GStrv) parts = NULL;
  guint n, i;

  memset (addr, 0, sizeof (*addr));
  if (text == NULL || *text == '\0')
    return fail (error, LP2P_MULTIADDR_ERROR_SYNTAX, "the multiaddr is empty");
  if (strlen (text) > LP2P_MULTIADDR_MAX_TEXT)
    return fail (error, LP2P_MULTIADDR_ERROR_SYNTAX,
        "the multiaddr is longer than %d characters", LP2P_MULTIADDR_MAX_TEXT);
  if (text[0] != '/')
    return fail (error, LP2P_MULTIADDR_ERROR_SYNTAX,
        "a multiaddr starts with '/': '%s'", text);
  parts = g_strsplit (text + 1, "/", -1);
  n = g_strv_length (parts);
  if (n == 0)
    return fail (error, LP2P_MULTIADDR_ERROR_SYNTAX,
        "the multiaddr '/' has no components");
  for (i = 0; i < n; i++)
    if (parts[i][0] == '\0')
      return fail (error, LP2P_MULTIADDR_ERROR_SYNTAX,
          "empty component %u in '%s' (a '//' or a trailing '/')", i + 1,
          text);

  /* /ip4|ip6/<address>, /dns|dns4|dns6/<name> */
  i = 0;
  if (g_str_equal (parts[0], "dnsaddr"))
    return fail (error, LP2P_MULTIADDR_ERROR_UNSUPPORTED,
        "/dnsaddr/ is not supported: it names a TXT record of multiaddrs; "
        "give /dns/, /dns4/, /dns6/, /ip4/ or /ip6/");
  if (g_str_equal (parts[0], "dns") || g_str_equal (parts[0], "dns4") ||
      g_str_equal (parts[0], "dns6")) {
    if (n < 2)
      return fail (error, LP2P_MULTIADDR_ERROR_ADDRESS,
          "/%s/ has no name", parts[0]);
    if (!valid_name (parts[1]))
      return fail (error, LP2P_MULTIADDR_ERROR_ADDRESS,
          "'%s' is not a DNS name (letters, digits, '-' and '.', at most "
          "%d characters, labels of 1 to 63)", parts[1],
          LP2P_MULTIADDR_MAX_NAME);
    addr->has_name = TRUE;
    addr->name_family = parts[0][3] == '4' ? 4 : parts[0][3] == '6' ? 6 : 0;
    g_strlcpy (addr->name, parts[1], sizeof (addr->name));
    i = 2;
  } else if (g_str_equal (parts[0], "ip4") || g_str_equal (parts[0], "ip6")) {
    gint af = parts[0][2] == '4' ? AF_INET : AF_INET6;

    if (n < 2)
      return fail (error, LP2P_MULTIADDR_ERROR_ADDRESS,
          "/%s/ has no address", parts[0]);
    if (inet_pton (af, parts[1], addr->ip) != 1)
      return fail (error, LP2P_MULTIADDR_ERROR_ADDRESS,
          "'%s' is not an %s address", parts[1],
          af == AF_INET ? "IPv4" : "IPv6");
    addr->family = af == AF_INET ? 4 : 6;
    inet_ntop (af, addr->ip, addr->host, sizeof (addr->host));
    i = 2;
  } else {
    return fail (error, LP2P_MULTIADDR_ERROR_ADDRESS,
        "a WebRTC-direct multiaddr starts with /ip4/, /ip6/, /dns/, /dns4/ "
        "or /dns6/, not /%s/", parts[0]);
  }

  /* /udp/<port> */
  if (i >= n || !g_str_equal (parts[i], "udp"))
    return fail (error, LP2P_MULTIADDR_ERROR_TRANSPORT,
        "/udp/<port> must follow the address%s%s", i < n ? ", not /" : "",
        i < n ? parts[i] : "");
  if (i + 1 >= n)
    return fail (error, LP2P_MULTIADDR_ERROR_PORT, "/udp/ has no port");
  if (!parse_port (parts[i + 1], &addr->port, error))
    return FALSE;
  i += 2;

  /* /webrtc-direct */
  if (i >= n || !g_str_equal (parts[i], "webrtc-direct"))
    return fail (error, LP2P_MULTIADDR_ERROR_TRANSPORT,
        "/webrtc-direct must follow /udp/<port>%s%s",
        i < n ? ", not /" : "", i < n ? parts[i] : "");
  i++;

  /* /certhash/<mb> */
  if (i >= n || !g_str_equal (parts[i], "certhash"))
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH,
        "/certhash/<hash> must follow /webrtc-direct: the dialer needs the "
        "server's certificate hash");
  if (i + 1 >= n)
    return fail (error, LP2P_MULTIADDR_ERROR_CERTHASH, "/certhash/ is empty");
  if (!parse_certhash (parts[i + 1], addr->certhash, error))
    return FALSE;
  i += 2;

  /* [/p2p/<peer id>] */
  if (i < n && g_str_equal (parts[i], "certhash"))
    return fail (error, LP2P_MULTIADDR_ERROR_UNSUPPORTED,
        "more than one /certhash/ is not supported");
  if (i < n && g_str_equal (parts[i], "p2p")) {
    g_autoptr (GError) err = NULL;

    if (i + 1 >= n)
      return fail (error, LP2P_MULTIADDR_ERROR_PEER_ID, "/p2p/ is empty");
    if (!lp2p_peer_id_parse (parts[i + 1], &addr->peer_id, &err))
      return fail (error, LP2P_MULTIADDR_ERROR_PEER_ID, "%s", err->message);
    addr->has_peer_id = TRUE;
    i += 2;
  }
  if (i < n)
    return fail (error, LP2P_MULTIADDR_ERROR_UNSUPPORTED,
        "unexpected /%s after the %s", parts[i],
        addr->has_peer_id ? "peer id" : "certhash");
  return TRUE;
}

gchar *
lp2p_certhash_encode (const guint8 digest[32])
{
  guint8 mh[34] = { LP2P_MULTIHASH_SHA2_256, 32 };
  gchar *b64, *s;

  memcpy (mh + 2, digest, 32);
  b64 = lp2p_base64url_encode (mh, sizeof (mh));
  s = g_strconcat ("u", b64, NULL);
  g_free (b64);
  return s;
}

gchar *
lp2p_fingerprint_to_sdp (const guint8 digest[32])
{
  GString *s = g_string_sized_new (96);
  guint i;

  for (i = 0; i < 32; i++)
    g_string_append_printf (s, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (s, FALSE);
}

gchar *
lp2p_webrtc_direct_addr_to_string (const Lp2pWebrtcDirectAddr * addr)
{
  g_autofree gchar *ch = lp2p_certhash_encode (addr->certhash);
  g_autofree gchar *pid = addr->has_peer_id ?
      lp2p_peer_id_to_string (&addr->peer_id) : NULL;

  g_autofree gchar *where = addr->has_name ?
      g_strdup_printf ("/dns%s/%s", addr->name_family == 4 ? "4" :
      addr->name_family == 6 ? "6" : "", addr->name) :
      g_strdup_printf ("/ip%d/%s", addr->family, addr->host);

  return g_strdup_printf ("%s/udp/%u/webrtc-direct/certhash/%s%s%s", where,
      addr->port, ch, pid ? "/p2p/" : "", pid ? pid : "");
}

static void
append_varint (GByteArray * a, guint64 v)
{
  guint8 buf[LP2P_VARINT_MAX_BYTES];

  g_byte_array_append (a, buf, lp2p_varint_encode (v, buf));
}

GBytes *
lp2p_webrtc_direct_addr_to_bytes (const Lp2pWebrtcDirectAddr * addr)
{
  GByteArray *a = g_byte_array_new ();
  guint8 port[2] = { addr->port >> 8, addr->port & 0xff };
  guint8 mh[34] = { LP2P_MULTIHASH_SHA2_256, 32 };

  if (addr->has_name) {
    append_varint (a, addr->name_family == 4 ? CODE_DNS4 :
        addr->name_family == 6 ? CODE_DNS6 : CODE_DNS);
    append_varint (a, strlen (addr->name));
    g_byte_array_append (a, (const guint8 *) addr->name, strlen (addr->name));
  } else {
    append_varint (a, addr->family == 4 ? CODE_IP4 : CODE_IP6);
    g_byte_array_append (a, addr->ip, addr->family == 4 ? 4 : 16);
  }
  append_varint (a, CODE_UDP);
  g_byte_array_append (a, port, 2);
  append_varint (a, CODE_WEBRTC_DIRECT);
  append_varint (a, CODE_CERTHASH);
  memcpy (mh + 2, addr->certhash, 32);
  append_varint (a, sizeof (mh));
  g_byte_array_append (a, mh, sizeof (mh));
  if (addr->has_peer_id) {
    append_varint (a, CODE_P2P);
    append_varint (a, addr->peer_id.len);
    g_byte_array_append (a, addr->peer_id.bytes, addr->peer_id.len);
  }
  return g_byte_array_free_to_bytes (a);
}

void
lp2p_webrtc_direct_addr_set_ip (Lp2pWebrtcDirectAddr * addr, gint family,
    const guint8 * ip)
{
  addr->family = family;
  memset (addr->ip, 0, sizeof (addr->ip));
  memcpy (addr->ip, ip, family == 4 ? 4 : 16);
  inet_ntop (family == 4 ? AF_INET : AF_INET6, addr->ip, addr->host,
      sizeof (addr->host));
}

gboolean
lp2p_webrtc_direct_addr_is_loopback (const Lp2pWebrtcDirectAddr * addr)
{
  static const guint8 v6_loopback[16] = {[15] = 1 };

  if (addr->family == 4)
    return addr->ip[0] == 127;
  if (addr->family != 6)
    return FALSE;
  return memcmp (addr->ip, v6_loopback, 16) == 0;
}
