/* Unit tests: what a WebRTC-direct listener decides before any webrtcbin
 * (gst/libp2p/listen.h).  ../shared/spec/webrtc-direct.md §1.3 (the
 * credentials of v1 "U:U" and v2 "S:C", S = "libp2p+webrtc+v2/" + the
 * client's password P), §1.5 step 4 (the inferred client offer), §2.3 (the
 * certificate: ECDSA P-256, SHA-256, X.509 v3). */
#include "listen.h"
#include "direct.h"
#include "sdp.h"

#include <string.h>

#define U LP2P_UFRAG_PREFIX "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
#define P "cLiEnTpAsSwOrD+/0123456789"

static gboolean
creds (const gchar * username, Lp2pIceCredentials * c, GError ** error)
{
  return lp2p_ice_credentials_from_username ((const guint8 *) username,
      strlen (username), c, error);
}

static void
test_v1 (void)
{
  Lp2pIceCredentials c;

  g_assert_true (creds (U ":" U, &c, NULL));
  g_assert_cmpint (c.version, ==, 1);
  g_assert_cmpstr (c.local, ==, U);
  g_assert_cmpstr (c.client_ufrag, ==, U);
  g_assert_cmpstr (c.client_pwd, ==, U);
  lp2p_ice_credentials_clear (&c);
}

static void
test_v2 (void)
{
  Lp2pIceCredentials c;

  g_assert_true (creds (LP2P_UFRAG_PREFIX_V2 P ":clnt", &c, NULL));
  g_assert_cmpint (c.version, ==, 2);
  g_assert_cmpstr (c.local, ==, LP2P_UFRAG_PREFIX_V2 P);
  g_assert_cmpstr (c.client_ufrag, ==, "clnt");
  g_assert_cmpstr (c.client_pwd, ==, P);
  lp2p_ice_credentials_clear (&c);
}

static void
test_refused (void)
{
  static const gchar *bad[] = {
    "",                         /* no colon */
    U,                          /* no colon */
    U ":" U "x",                /* v1 halves differ */
    U ":",                      /* empty client half */
    LP2P_UFRAG_PREFIX_V2 "short:clnt",  /* P under 22 characters */
    "libp2p+webrtc+v3/" P ":clnt",      /* unknown version */
    "plainufragplainufragplain:clnt",   /* not libp2p's */
    U " :" U,                   /* a space is no ice-char */
    U ":" U "-",                /* nor is '-' */
  };
  GError *err = NULL;
  Lp2pIceCredentials c;
  GString *big = g_string_new (U);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    gint code = (i == 5 || i == 6) ? LP2P_LISTEN_ERROR_VERSION :
        LP2P_LISTEN_ERROR_USERNAME;

    g_assert_false (creds (bad[i], &c, &err));
    g_assert_error (err, LP2P_LISTEN_ERROR, code);
    g_assert_null (c.local);
    g_clear_error (&err);
  }
  /* over 256 characters a half */
  while (big->len <= LP2P_ICE_MAX)
    g_string_append_c (big, 'a');
  g_string_append_printf (big, ":%s", big->str);
  g_assert_false (creds (big->str, &c, NULL));
  g_string_free (big, TRUE);
}

static void
test_listen_addr (void)
{
  Lp2pListenAddr a;
  GError *err = NULL;

  g_assert_true (lp2p_listen_addr_parse ("/ip4/127.0.0.1/udp/0/webrtc-direct",
          &a, NULL));
  g_assert_cmpint (a.family, ==, 4);
  g_assert_cmpstr (a.host, ==, "127.0.0.1");
  g_assert_cmpuint (a.port, ==, 0);
  g_assert_true (lp2p_listen_addr_parse ("/ip6/::/udp/4001/webrtc-direct",
          &a, NULL));
  g_assert_cmpint (a.family, ==, 6);
  g_assert_cmpuint (a.port, ==, 4001);
  g_assert_false (lp2p_listen_addr_parse ("/ip4/1.2.3.4/udp/65536/"
          "webrtc-direct", &a, &err));
  g_assert_error (err, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_ADDRESS);
  g_clear_error (&err);
  g_assert_false (lp2p_listen_addr_parse ("/ip4/1.2.3/udp/1/webrtc-direct",
          &a, NULL));
  g_assert_false (lp2p_listen_addr_parse ("/ip4/1.2.3.4/tcp/1/webrtc-direct",
          &a, NULL));
  g_assert_false (lp2p_listen_addr_parse ("/ip4/1.2.3.4/udp/1/webrtc-direct"
          "/certhash/uEiA", &a, NULL));
  g_assert_false (lp2p_listen_addr_parse ("/ip4/1.2.3.4/udp/01/webrtc-direct",
          &a, NULL));
  g_assert_false (lp2p_listen_addr_parse (NULL, &a, NULL));
}

static void
test_client_offer (void)
{
  Lp2pIceCredentials c;
  g_autofree gchar *offer = NULL;
  Lp2pMungedOffer m;

  g_assert_true (creds (LP2P_UFRAG_PREFIX_V2 P ":clnt", &c, NULL));
  offer = lp2p_sdp_client_offer (&c, 4, "198.18.0.2", 51234);
  g_assert_nonnull (strstr (offer, "m=application 51234 UDP/DTLS/SCTP "
          "webrtc-datachannel\r\n"));
  g_assert_nonnull (strstr (offer, "c=IN IP4 198.18.0.2\r\n"));
  g_assert_nonnull (strstr (offer, "a=ice-ufrag:clnt\r\n"));
  g_assert_nonnull (strstr (offer, "a=ice-pwd:" P "\r\n"));
  /* webrtcbin answers it as the DTLS server */
  g_assert_nonnull (strstr (offer, "a=setup:active\r\n"));
  g_assert_nonnull (strstr (offer, "a=sctp-port:5000\r\n"));
  g_assert_nonnull (strstr (offer, "a=max-message-size:16384\r\n"));
  g_assert_nonnull (strstr (offer, " 198.18.0.2 51234 typ host\r\n"));
  /* well formed enough for our own SDP reader: a data section, a mid, a
   * fingerprint, credentials */
  g_assert_true (lp2p_sdp_munge_offer (offer, c.local, &m, NULL));
  g_assert_cmpstr (m.mid, ==, "0");
  lp2p_munged_offer_clear (&m);
  lp2p_ice_credentials_clear (&c);
}

static void
test_certificate (void)
{
  g_autofree gchar *pem = lp2p_certificate_generate (NULL);
  g_autofree gchar *other = lp2p_certificate_generate (NULL);
  g_autofree gchar *mixed = NULL;
  guint8 fp[32], fp2[32];
  const gchar *key;
  GError *err = NULL;

  g_assert_nonnull (pem);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (strstr (pem, "-----BEGIN PRIVATE KEY-----"));
  g_assert_true (lp2p_certificate_check (pem, NULL));
  g_assert_true (lp2p_certificate_pem_fingerprint (pem, fp));
  g_assert_true (lp2p_certificate_pem_fingerprint (other, fp2));
  g_assert_true (memcmp (fp, fp2, 32) != 0);
  /* a certificate with another certificate's key is refused */
  key = strstr (other, "-----BEGIN PRIVATE KEY-----");
  mixed = g_strconcat ("", pem, NULL);
  *strstr (mixed, "-----BEGIN PRIVATE KEY-----") = '\0';
  {
    g_autofree gchar *bad = g_strconcat (mixed, key, NULL);
    g_assert_false (lp2p_certificate_check (bad, &err));
    g_assert_error (err, LP2P_LISTEN_ERROR, LP2P_LISTEN_ERROR_CERTIFICATE);
    g_clear_error (&err);
  }
  /* no key at all */
  g_assert_false (lp2p_certificate_check (mixed, NULL));
  g_assert_false (lp2p_certificate_check ("not a pem", NULL));
  g_assert_false (lp2p_certificate_check (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/listen/credentials-v1", test_v1);
  g_test_add_func ("/listen/credentials-v2", test_v2);
  g_test_add_func ("/listen/credentials-refused", test_refused);
  g_test_add_func ("/listen/listen-address", test_listen_addr);
  g_test_add_func ("/listen/client-offer", test_client_offer);
  g_test_add_func ("/listen/certificate", test_certificate);
  return g_test_run ();
}
