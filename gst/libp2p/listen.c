/* gst-libp2p: what a WebRTC-direct listener decides before any webrtcbin
 * (see listen.h) */
#include "listen.h"
#include "sdp.h"

#include <arpa/inet.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

G_DEFINE_QUARK (lp2p-listen-error-quark, lp2p_listen_error);

/* ---- the listen address ---- */

static gboolean
parse_listen_port (const gchar * s, guint16 * port)
{
  guint64 v = 0;
  const gchar *p;

  if (*s == '\0' || strlen (s) > 5 || (s[0] == '0' && s[1] != '\0'))
    return FALSE;
  for (p = s; *p; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    v = v * 10 + (guint64) (*p - '0');
  }
  if (v > 65535)
    return FALSE;
  *port = (guint16) v;
  return TRUE;
}

gboolean
lp2p_listen_addr_parse (const gchar * text, Lp2pListenAddr * addr,
    GError ** error)
{
  g_auto (GStrv) parts = NULL;

  memset (addr, 0, sizeof (*addr));
  if (text == NULL || strlen (text) > 128 || text[0] != '/') {
    g_set_error (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_ADDRESS,
        "listen address '%s' is not a multiaddr of the form "
        "/ip4|ip6/<address>/udp/<port>/webrtc-direct", text ? text : "");
    return FALSE;
  }
  parts = g_strsplit (text + 1, "/", -1);
  if (g_strv_length (parts) != 5 || g_strcmp0 (parts[2], "udp") != 0 ||
      g_strcmp0 (parts[4], "webrtc-direct") != 0 ||
      (g_strcmp0 (parts[0], "ip4") != 0 && g_strcmp0 (parts[0], "ip6") != 0)) {
    g_set_error (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_ADDRESS,
        "listen address '%s' is not of the form "
        "/ip4|ip6/<address>/udp/<port>/webrtc-direct", text);
    return FALSE;
  }
  addr->family = parts[0][2] == '4' ? 4 : 6;
  if (inet_pton (addr->family == 4 ? AF_INET : AF_INET6, parts[1],
          addr->ip) != 1) {
    g_set_error (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_ADDRESS,
        "listen address '%s': '%s' is not an IPv%d address", text, parts[1],
        addr->family);
    return FALSE;
  }
  inet_ntop (addr->family == 4 ? AF_INET : AF_INET6, addr->ip, addr->host,
      sizeof (addr->host));
  if (!parse_listen_port (parts[3], &addr->port)) {
    g_set_error (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_ADDRESS,
        "listen address '%s': UDP port '%s' is not a decimal number from 0 "
        "to 65535", text, parts[3]);
    return FALSE;
  }
  return TRUE;
}

/* ---- credentials from the first Binding Request ---- */

static gboolean
is_ice_chars (const guint8 * s, gsize len, gsize min)
{
  gsize i;

  if (len < min || len > LP2P_ICE_MAX)
    return FALSE;
  for (i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '+' && s[i] != '/')
      return FALSE;
  return TRUE;
}

static gboolean
has_prefix (const guint8 * s, gsize len, const gchar * prefix)
{
  gsize n = strlen (prefix);

  return len >= n && memcmp (s, prefix, n) == 0;
}

gboolean
lp2p_ice_credentials_from_username (const guint8 * username, gsize len,
    Lp2pIceCredentials * out, GError ** error)
{
  const guint8 *colon;
  gsize slen, clen, vlen = strlen (LP2P_UFRAG_PREFIX);

  memset (out, 0, sizeof (*out));
  colon = len <= LP2P_STUN_MAX_USERNAME ? memchr (username, ':', len) : NULL;
  slen = colon ? (gsize) (colon - username) : 0;
  clen = colon ? len - slen - 1 : 0;
  if (colon == NULL || !is_ice_chars (username, slen, LP2P_ICE_PWD_MIN) ||
      !is_ice_chars (colon + 1, clen, 4)) {
    g_set_error_literal (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_USERNAME,
        "the STUN USERNAME is not <server ufrag>:<client ufrag> of ICE "
        "characters");
    return FALSE;
  }
  if (has_prefix (username, slen, LP2P_UFRAG_PREFIX)) {
    if (slen != clen || memcmp (username, colon + 1, slen) != 0) {
      g_set_error_literal (error, LP2P_LISTEN_ERROR,
          LP2P_LISTEN_ERROR_USERNAME, "a libp2p+webrtc+v1 USERNAME must be "
          "U:U (both halves equal)");
      return FALSE;
    }
    out->version = 1;
  } else if (has_prefix (username, slen, LP2P_UFRAG_PREFIX_V2)) {
    if (slen - vlen < LP2P_ICE_PWD_MIN) {
      g_set_error_literal (error, LP2P_LISTEN_ERROR,
          LP2P_LISTEN_ERROR_USERNAME, "a libp2p+webrtc+v2 server ufrag must "
          "carry the client's password (22 to 256 ICE characters)");
      return FALSE;
    }
    out->version = 2;
  } else {
    g_set_error_literal (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_VERSION,
        "the STUN USERNAME is not libp2p+webrtc+v1/ or v2/");
    return FALSE;
  }
  out->local = g_strndup ((const gchar *) username, slen);
  out->client_ufrag = g_strndup ((const gchar *) colon + 1, clen);
  out->client_pwd = out->version == 1 ? g_strdup (out->local) :
      g_strdup (out->local + vlen);
  return TRUE;
}

void
lp2p_ice_credentials_clear (Lp2pIceCredentials * c)
{
  g_clear_pointer (&c->local, g_free);
  g_clear_pointer (&c->client_ufrag, g_free);
  g_clear_pointer (&c->client_pwd, g_free);
}

gchar *
lp2p_sdp_client_offer (const Lp2pIceCredentials * c, gint family,
    const gchar * host, guint16 port)
{
  static const guint8 dummy[32];
  g_autofree gchar *fp = lp2p_fingerprint_to_sdp (dummy);

  return g_strdup_printf ("v=0\r\n"
      "o=- 0 0 IN IP%d %s\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "m=application %u UDP/DTLS/SCTP webrtc-datachannel\r\n"
      "c=IN IP%d %s\r\n"
      "a=mid:0\r\n"
      "a=ice-options:ice2\r\n"
      "a=ice-ufrag:%s\r\n"
      "a=ice-pwd:%s\r\n"
      "a=fingerprint:sha-256 %s\r\n"
      "a=setup:active\r\n"
      "a=sctp-port:%d\r\n"
      "a=max-message-size:%d\r\n"
      "a=candidate:1467250027 1 UDP 1467250027 %s %u typ host\r\n"
      "a=end-of-candidates\r\n",
      family, host, port, family, host, c->client_ufrag, c->client_pwd, fp,
      LP2P_DIRECT_SCTP_PORT, LP2P_DIRECT_MAX_MESSAGE_SIZE, host, port);
}

/* ---- the DTLS certificate ---- */

static gboolean
cert_fail (GError ** error, const gchar * what)
{
  g_set_error (error, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_CERTIFICATE,
      "%s", what);
  return FALSE;
}

static gboolean
cert_fill (X509 * x, EVP_PKEY * key)
{
  X509_NAME *name = X509_get_subject_name (x);
  guint64 serial;

  if (RAND_bytes ((guint8 *) & serial, sizeof (serial)) != 1)
    return FALSE;
  serial &= G_GUINT64_CONSTANT (0x7fffffffffffffff);
  /* browsers ignore the validity dates (go-libp2p cert.go); a long one
   * keeps a saved certificate, and so the certhash, usable */
  return X509_set_version (x, X509_VERSION_3) &&
      ASN1_INTEGER_set_uint64 (X509_get_serialNumber (x), serial | 1) &&
      X509_gmtime_adj (X509_getm_notBefore (x), -86400) &&
      X509_time_adj_ex (X509_getm_notAfter (x), 3650, 0, NULL) &&
      X509_set_pubkey (x, key) &&
      X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
      (const guint8 *) "gst-libp2p", -1, -1, 0) &&
      X509_set_issuer_name (x, name) && X509_sign (x, key, EVP_sha256 ()) > 0;
}

gchar *
lp2p_certificate_generate (GError ** error)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x = X509_new ();
  BIO *bio = BIO_new (BIO_s_mem ());
  gchar *pem = NULL;
  char *data;
  long n;

  if (key && x && bio && cert_fill (x, key) && PEM_write_bio_X509 (bio, x) &&
      PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL)) {
    n = BIO_get_mem_data (bio, &data);
    pem = g_strndup (data, (gsize) n);
  } else {
    cert_fail (error, "OpenSSL could not make an ECDSA P-256 certificate");
  }
  BIO_free (bio);
  X509_free (x);
  EVP_PKEY_free (key);
  return pem;
}

gboolean
lp2p_certificate_check (const gchar * pem, GError ** error)
{
  BIO *bio;
  X509 *x = NULL;
  EVP_PKEY *key = NULL;
  gboolean ok;

  if (pem == NULL || strlen (pem) > 64 * 1024)
    return cert_fail (error, "the certificate PEM is missing or over 64 KiB");
  bio = BIO_new_mem_buf (pem, -1);
  if (bio)
    x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  if (bio)
    (void) BIO_reset (bio);
  if (bio)
    key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  ok = x && key && X509_check_private_key (x, key) == 1;
  X509_free (x);
  EVP_PKEY_free (key);
  BIO_free (bio);
  if (!ok)
    return cert_fail (error, "the certificate PEM needs a certificate and "
        "its private key (PEM blocks CERTIFICATE and PRIVATE KEY)");
  return TRUE;
}
