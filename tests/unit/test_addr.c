/* Unit tests: multibase, peer ids, WebRTC-direct multiaddrs and SDP
 * (gst/libp2p/multibase.h, peerid.h, multiaddr.h, sdp.h).
 * Vectors: libp2p/specs peer-ids/peer-ids.md "Test vectors" and examples,
 * webrtc/webrtc-direct.md; ../shared/spec/webrtc-direct.md §1.2, §1.4, §4;
 * RFC 4648 §10 (base64/base32 test vectors). */
#include "multibase.h"
#include "multiaddr.h"
#include "peerid.h"
#include "sdp.h"
#include "hex.h"

#include <string.h>

/* peer-ids.md "Test vectors": the Ed25519 key and its peer id */
#define SPEC_ED25519_PUB "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"
#define SPEC_ED25519_PEER "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
/* webrtc-direct.md §1.2 / §4: the server certificate's SHA-256 */
#define SERVER_FP "30fc9f469c207419dfdd0aab5f27a86c973c94e40548db9375cca2e915973b99"
#define SERVER_CERTHASH "uEiAw_J9GnCB0Gd_dCqtfJ6hslzyU5AVI25N1zKLpFZc7mQ"
#define SPEC_ADDR "/ip4/1.2.3.4/udp/1234/webrtc-direct/certhash/" \
  SERVER_CERTHASH "/p2p/" SPEC_ED25519_PEER

/* ---- multibase ---- */

static void
check_b64 (const gchar * plain, const gchar * want)
{
  g_autofree gchar *got = lp2p_base64url_encode ((const guint8 *) plain,
      strlen (plain));
  guint8 back[64];
  gsize n;

  g_assert_cmpstr (got, ==, want);
  if (*want) {
    g_assert_true (lp2p_base64_decode (want, strlen (want), TRUE, back,
            sizeof (back), &n, NULL));
    g_assert_cmpmem (back, n, plain, strlen (plain));
  }
}

static void
test_base64url_rfc4648 (void)
{
  /* RFC 4648 §10 without the padding */
  check_b64 ("", "");
  check_b64 ("f", "Zg");
  check_b64 ("fo", "Zm8");
  check_b64 ("foo", "Zm9v");
  check_b64 ("foob", "Zm9vYg");
  check_b64 ("fooba", "Zm9vYmE");
  check_b64 ("foobar", "Zm9vYmFy");
}

static void
test_base64_rejects (void)
{
  guint8 out[64];
  gsize n;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;

  /* padding is not how multibase 'u' is written */
  g_assert_false (lp2p_base64_decode ("Zg==", 4, TRUE, out, 64, &n, &e1));
  g_assert_error (e1, LP2P_MULTIBASE_ERROR,
      LP2P_MULTIBASE_ERROR_TRAILING_BITS);
  /* "Zh" has non-zero trailing bits: a second spelling of "f" */
  g_assert_false (lp2p_base64_decode ("Zh", 2, TRUE, out, 64, &n, &e2));
  g_assert_error (e2, LP2P_MULTIBASE_ERROR,
      LP2P_MULTIBASE_ERROR_TRAILING_BITS);
  /* '+' is base64, not base64url */
  g_assert_false (lp2p_base64_decode ("Zm+v", 4, TRUE, out, 64, &n, &e3));
  g_assert_error (e3, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_CHARACTER);
  /* one character cannot encode a byte */
  g_assert_false (lp2p_base64_decode ("Zm9vY", 5, TRUE, out, 64, &n, &e4));
  g_assert_nonnull (e4);
  /* output bound */
  g_assert_false (lp2p_base64_decode ("Zm9vYmFy", 8, TRUE, out, 5, &n, NULL));
}

static void
test_base32_rfc4648 (void)
{
  static const gchar *plain[] = { "f", "fo", "foo", "foob", "fooba",
    "foobar"
  };
  static const gchar *enc[] = { "my", "mzxq", "mzxw6", "mzxw6yq", "mzxw6ytb",
    "mzxw6ytboi"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (plain); i++) {
    g_autofree gchar *got = lp2p_base32_encode ((const guint8 *) plain[i],
        strlen (plain[i]));
    guint8 back[16];
    gsize n;

    g_assert_cmpstr (got, ==, enc[i]);
    g_assert_true (lp2p_base32_decode (enc[i], strlen (enc[i]), back,
            sizeof (back), &n, NULL));
    g_assert_cmpmem (back, n, plain[i], strlen (plain[i]));
  }
  /* upper case is another base ('B') */
  g_assert_false (lp2p_base32_decode ("MY", 2, (guint8[4]) {
          0}, 4, &(gsize) {
          0}, NULL));
}

static void
test_base58_vectors (void)
{
  g_autoptr (GBytes) mh = hex ("0024" SPEC_ED25519_PUB);
  gsize len;
  const guint8 *d = g_bytes_get_data (mh, &len);
  g_autofree gchar *s = lp2p_base58btc_encode (d, len);
  guint8 back[64];
  gsize n;
  static const guint8 zeros[] = { 0, 0, 1 };
  g_autofree gchar *z = lp2p_base58btc_encode (zeros, 3);
  g_autoptr (GError) err = NULL;

  g_assert_cmpstr (s, ==, SPEC_ED25519_PEER);
  g_assert_true (lp2p_base58btc_decode (s, strlen (s), back, sizeof (back),
          &n, NULL));
  g_assert_cmpmem (back, n, d, len);
  /* leading zero bytes are '1's */
  g_assert_cmpstr (z, ==, "112");
  g_assert_true (lp2p_base58btc_decode ("112", 3, back, sizeof (back), &n,
          NULL));
  g_assert_cmpmem (back, n, zeros, 3);
  /* 0, O, I and l are not in the alphabet */
  g_assert_false (lp2p_base58btc_decode ("12D3KooW0", 9, back, sizeof (back),
          &n, &err));
  g_assert_error (err, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_CHARACTER);
}

static void
test_multibase_prefixes (void)
{
  guint8 out[64];
  gsize n;
  g_autoptr (GError) err = NULL;
  g_autofree gchar *over = g_strnfill (LP2P_MULTIBASE_MAX_INPUT + 1, 'A');

  g_assert_true (lp2p_multibase_decode ("uZm9v", 5, out, 64, &n, NULL));
  g_assert_cmpmem (out, n, "foo", 3);
  g_assert_true (lp2p_multibase_decode ("mZm9v", 5, out, 64, &n, NULL));
  g_assert_true (lp2p_multibase_decode ("bmzxw6", 6, out, 64, &n, NULL));
  g_assert_cmpmem (out, n, "foo", 3);
  g_assert_true (lp2p_multibase_decode ("f666f6f", 7, out, 64, &n, NULL));
  g_assert_cmpmem (out, n, "foo", 3);
  g_assert_true (lp2p_multibase_decode ("zbQbp", 5, out, 64, &n, NULL));
  g_assert_cmpmem (out, n, "foo", 3);
  g_assert_false (lp2p_multibase_decode ("QmFoo", 5, out, 64, &n, &err));
  g_assert_error (err, LP2P_MULTIBASE_ERROR,
      LP2P_MULTIBASE_ERROR_UNKNOWN_BASE);
  g_clear_error (&err);
  /* bounded input */
  g_assert_false (lp2p_base64_decode (over, strlen (over), TRUE, out, 64, &n,
          &err));
  g_assert_error (err, LP2P_MULTIBASE_ERROR, LP2P_MULTIBASE_ERROR_TOO_LONG);
}

/* ---- peer ids ---- */

static void
check_peer_id (const gchar * text, const gchar * want_hex,
    const gchar * want_text)
{
  Lp2pPeerId id;
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) want = hex (want_hex);
  g_autofree gchar *back = NULL;

  g_assert_true (lp2p_peer_id_parse (text, &id, &err));
  g_assert_no_error (err);
  assert_bytes_eq (id.bytes, id.len, want);
  back = lp2p_peer_id_to_string (&id);
  g_assert_cmpstr (back, ==, want_text);
}

static void
test_peer_id_spec_vectors (void)
{
  g_autoptr (GBytes) pub = hex (SPEC_ED25519_PUB);
  Lp2pPeerId id;
  gsize len;
  const guint8 *d = g_bytes_get_data (pub, &len);
  g_autofree gchar *s = NULL;

  /* peer-ids.md: the Ed25519 test vector's peer id */
  lp2p_peer_id_from_public_key (d, len, &id);
  s = lp2p_peer_id_to_string (&id);
  g_assert_cmpstr (s, ==, SPEC_ED25519_PEER);
  check_peer_id (SPEC_ED25519_PEER, "0024" SPEC_ED25519_PUB,
      SPEC_ED25519_PEER);
  /* peer-ids.md examples: an Ed25519 id, a sha2-256 id and its CIDv1 */
  check_peer_id ("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
      "002408011220" "2ffa35a99d3a3cfbb17bb7c1dc5561b18a8dcca4df38dc613ea859c37eb1336b",
      "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
  check_peer_id ("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",
      "1220" "9dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
      "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
  check_peer_id ("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
      "1220" "9dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
      "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
}

static void
test_peer_id_rejects (void)
{
  Lp2pPeerId id;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;
  g_autoptr (GError) e5 = NULL;

  /* one character changed: the identity multihash no longer holds a key of
   * the declared length, or base58 decodes to another length */
  g_assert_false (lp2p_peer_id_parse ("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZ"
          "kzuJcfaqUmo7R3p", &id, &e1));
  g_assert_nonnull (e1);
  g_assert_false (lp2p_peer_id_parse ("12D3KooW!tg3", &id, &e2));
  g_assert_error (e2, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING);
  g_assert_false (lp2p_peer_id_parse ("", &id, &e3));
  g_assert_nonnull (e3);
  /* a CIDv1 with another codec (dag-pb 0x70) is not a peer id */
  g_assert_false (lp2p_peer_id_parse
      ("bafybeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", &id,
          &e4));
  g_assert_error (e4, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_ENCODING);
  /* sha2-256 multihash with a 31-byte digest */
  g_assert_false (lp2p_peer_id_from_bytes ((const guint8 *)
          "\x12\x1f" "0123456789012345678901234567890", 33, &id, &e5));
  g_assert_error (e5, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_MULTIHASH);
}

static void
test_private_key_protobuf (void)
{
  /* peer-ids.md: the Ed25519 private key test vector */
  g_autoptr (GBytes) pb = hex ("08011240"
      "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
      "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");
  g_autoptr (GBytes) want_seed =
      hex ("7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d");
  guint8 seed[32], pub[32], again[LP2P_ED25519_PRIVATE_KEY_PB_LEN];
  gsize len;
  const guint8 *d = g_bytes_get_data (pb, &len);
  g_autoptr (GError) err = NULL;

  g_assert_true (lp2p_private_key_decode_ed25519 (d, len, seed, pub, NULL));
  assert_bytes_eq (seed, 32, want_seed);
  lp2p_private_key_encode_ed25519 (seed, pub, again);
  assert_bytes_eq (again, sizeof (again), pb);
  /* a public key protobuf is not a private key */
  g_assert_false (lp2p_private_key_decode_ed25519 (d, 36, seed, pub, &err));
  g_assert_error (err, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY);
}

/* ---- multiaddr ---- */

static void
test_multiaddr_spec_example (void)
{
  Lp2pWebrtcDirectAddr a;
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) bin = NULL;
  /* ../shared/spec/webrtc-direct.md §1.2: the binary form */
  g_autoptr (GBytes) want = hex ("0401020304 910204d2 9802 d20322 1220"
      SERVER_FP " a50326 0024" SPEC_ED25519_PUB);
  g_autoptr (GBytes) fp = hex (SERVER_FP);
  g_autofree gchar *text = NULL;
  g_autofree gchar *sdp_fp = NULL;
  gsize len;
  const guint8 *d;

  g_assert_true (lp2p_webrtc_direct_addr_parse (SPEC_ADDR, &a, &err));
  g_assert_no_error (err);
  g_assert_cmpint (a.family, ==, 4);
  g_assert_cmpstr (a.host, ==, "1.2.3.4");
  g_assert_cmpuint (a.port, ==, 1234);
  assert_bytes_eq (a.certhash, 32, fp);
  g_assert_true (a.has_peer_id);
  g_assert_false (lp2p_webrtc_direct_addr_is_loopback (&a));
  bin = lp2p_webrtc_direct_addr_to_bytes (&a);
  d = g_bytes_get_data (bin, &len);
  assert_bytes_eq (d, len, want);
  text = lp2p_webrtc_direct_addr_to_string (&a);
  g_assert_cmpstr (text, ==, SPEC_ADDR);
  /* certhash -> SDP fingerprint (§1.2 "From certhash to SDP") */
  sdp_fp = lp2p_fingerprint_to_sdp (a.certhash);
  g_assert_true (g_str_has_prefix (sdp_fp, "30:FC:9F:46:9C:20"));
  g_assert_true (g_str_has_suffix (sdp_fp, ":15:97:3B:99"));
  g_assert_cmpuint (strlen (sdp_fp), ==, 32 * 3 - 1);
}

static void
test_multiaddr_variants (void)
{
  Lp2pWebrtcDirectAddr a;
  g_autofree gchar *text = NULL;

  /* no /p2p/; IPv6; loopback */
  g_assert_true (lp2p_webrtc_direct_addr_parse ("/ip6/::1/udp/9/webrtc-direct"
          "/certhash/" SERVER_CERTHASH, &a, NULL));
  g_assert_cmpint (a.family, ==, 6);
  g_assert_false (a.has_peer_id);
  g_assert_true (lp2p_webrtc_direct_addr_is_loopback (&a));
  text = lp2p_webrtc_direct_addr_to_string (&a);
  g_assert_cmpstr (text, ==, "/ip6/::1/udp/9/webrtc-direct/certhash/"
      SERVER_CERTHASH);
  /* the certhash in base58btc and base16 (multibase: liberal on input) */
  g_assert_true (lp2p_webrtc_direct_addr_parse
      ("/ip4/127.0.0.1/udp/9/webrtc-direct/certhash/f1220" SERVER_FP, &a,
          NULL));
  g_assert_true (lp2p_webrtc_direct_addr_is_loopback (&a));
  /* the CIDv1 form of a peer id */
  g_assert_true (lp2p_webrtc_direct_addr_parse
      ("/ip4/10.0.0.1/udp/9/webrtc-direct/certhash/" SERVER_CERTHASH
          "/p2p/bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe",
          &a, NULL));
  g_assert_cmpuint (a.peer_id.len, ==, 34);
}

static void
check_bad_addr (const gchar * text, gint code,
    const gchar * fragment)
{
  Lp2pWebrtcDirectAddr a;
  g_autoptr (GError) err = NULL;

  g_assert_false (lp2p_webrtc_direct_addr_parse (text, &a, &err));
  g_assert_error (err, LP2P_MULTIADDR_ERROR, code);
  if (strstr (err->message, fragment) == NULL)
    g_error ("'%s': message '%s' lacks '%s'", text, err->message, fragment);
}

static void
test_multiaddr_rejects (void)
{
  const gchar *ch = "/certhash/" SERVER_CERTHASH;
  g_autofree gchar *a1 = g_strconcat ("/ip4/1.2.3/udp/1/webrtc-direct", ch,
      NULL);
  g_autofree gchar *a2 = g_strconcat ("/ip4/1.2.3.4/udp/0/webrtc-direct", ch,
      NULL);
  g_autofree gchar *a3 = g_strconcat ("/ip4/1.2.3.4/udp/65536/webrtc-direct",
      ch, NULL);
  g_autofree gchar *a4 = g_strconcat ("/ip4/1.2.3.4/tcp/1/webrtc-direct", ch,
      NULL);
  g_autofree gchar *a5 = g_strconcat ("/ip4/1.2.3.4/udp/1/webrtc", ch, NULL);
  g_autofree gchar *a6 = g_strconcat ("/dnsaddr/example.com/udp/1/webrtc-direct",
      ch, NULL);
  g_autofree gchar *a12 = g_strconcat ("/dns4/-x.com/udp/1/webrtc-direct",
      ch, NULL);
  g_autofree gchar *a7 = g_strconcat ("/ip4/1.2.3.4/udp/1/webrtc-direct", ch,
      "/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3p0", NULL);
  g_autofree gchar *a8 = g_strconcat ("/ip4/1.2.3.4/udp/1/webrtc-direct", ch,
      ch, NULL);
  g_autofree gchar *a9 = g_strconcat ("/ip4/1.2.3.4/udp/1/webrtc-direct", ch,
      "/", NULL);
  g_autofree gchar *a10 = g_strconcat ("/ip4/1.2.3.4/udp/01/webrtc-direct",
      ch, NULL);
  g_autofree gchar *a11 = g_strconcat ("/ip4/1.2.3.4/udp/1/webrtc-direct", ch,
      "/p2p/" SPEC_ED25519_PEER "/tcp/1", NULL);

  check_bad_addr ("", LP2P_MULTIADDR_ERROR_SYNTAX, "empty");
  check_bad_addr ("ip4/1.2.3.4", LP2P_MULTIADDR_ERROR_SYNTAX, "starts with");
  check_bad_addr ("/", LP2P_MULTIADDR_ERROR_SYNTAX, "no components");
  check_bad_addr (a1, LP2P_MULTIADDR_ERROR_ADDRESS, "not an IPv4 address");
  check_bad_addr (a2, LP2P_MULTIADDR_ERROR_PORT, "1 to 65535");
  check_bad_addr (a3, LP2P_MULTIADDR_ERROR_PORT, "1 to 65535");
  check_bad_addr (a10, LP2P_MULTIADDR_ERROR_PORT, "1 to 65535");
  check_bad_addr (a4, LP2P_MULTIADDR_ERROR_TRANSPORT, "/udp/");
  check_bad_addr (a5, LP2P_MULTIADDR_ERROR_TRANSPORT, "/webrtc-direct");
  check_bad_addr (a6, LP2P_MULTIADDR_ERROR_UNSUPPORTED, "TXT record");
  check_bad_addr (a12, LP2P_MULTIADDR_ERROR_ADDRESS, "not a DNS name");
  check_bad_addr (a7, LP2P_MULTIADDR_ERROR_PEER_ID, "peer id");
  check_bad_addr (a8, LP2P_MULTIADDR_ERROR_UNSUPPORTED, "more than one");
  check_bad_addr (a9, LP2P_MULTIADDR_ERROR_SYNTAX, "trailing");
  check_bad_addr (a11, LP2P_MULTIADDR_ERROR_UNSUPPORTED, "/tcp");
  check_bad_addr ("/ip4/1.2.3.4/udp/1/webrtc-direct",
      LP2P_MULTIADDR_ERROR_CERTHASH, "certhash");
  /* sha2-512 (0x13) certhash; sha2-256 with a short digest; not base64url */
  check_bad_addr ("/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/f1304aabbccdd",
      LP2P_MULTIADDR_ERROR_CERTHASH, "only sha2-256");
  check_bad_addr ("/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/f1204aabbccdd",
      LP2P_MULTIADDR_ERROR_CERTHASH, "not 32");
  check_bad_addr ("/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/uEiA+ea9",
      LP2P_MULTIADDR_ERROR_CERTHASH, "not a base64url character");
  check_bad_addr ("/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/f1220aa",
      LP2P_MULTIADDR_ERROR_CERTHASH, "length does not match");
}

/* /dns, /dns4, /dns6: the name is kept for the caller to resolve (how
 * Polkadot nodes advertise WebRTC-direct); binary codes 0x35..0x37. */
static void
test_multiaddr_dns (void)
{
  Lp2pWebrtcDirectAddr a;
  g_autofree gchar *text = NULL;
  g_autoptr (GBytes) bin = NULL;
  g_autoptr (GBytes) want = hex ("36 0b 6578616d706c652e636f6d 910204d2 9802 "
      "d20322 1220" SERVER_FP);
  static const guint8 lo[4] = { 127, 0, 0, 1 };
  const gchar *t = "/dns4/example.com/udp/1234/webrtc-direct/certhash/"
      SERVER_CERTHASH;
  gsize len;
  const guint8 *d;

  g_assert_true (lp2p_webrtc_direct_addr_parse (t, &a, NULL));
  g_assert_true (a.has_name);
  g_assert_cmpint (a.name_family, ==, 4);
  g_assert_cmpstr (a.name, ==, "example.com");
  g_assert_cmpint (a.family, ==, 0);
  g_assert_false (lp2p_webrtc_direct_addr_is_loopback (&a));
  text = lp2p_webrtc_direct_addr_to_string (&a);
  g_assert_cmpstr (text, ==, t);
  bin = lp2p_webrtc_direct_addr_to_bytes (&a);
  d = g_bytes_get_data (bin, &len);
  assert_bytes_eq (d, len, want);
  /* resolved: the address is set, the name stays */
  lp2p_webrtc_direct_addr_set_ip (&a, 4, lo);
  g_assert_cmpstr (a.host, ==, "127.0.0.1");
  g_assert_true (lp2p_webrtc_direct_addr_is_loopback (&a));
  g_clear_pointer (&text, g_free);
  text = lp2p_webrtc_direct_addr_to_string (&a);
  g_assert_cmpstr (text, ==, t);
  g_assert_true (lp2p_webrtc_direct_addr_parse ("/dns/a-b.c0/udp/1/"
          "webrtc-direct/certhash/" SERVER_CERTHASH, &a, NULL));
  g_assert_cmpint (a.name_family, ==, 0);
  g_assert_true (lp2p_webrtc_direct_addr_parse ("/dns6/localhost/udp/1/"
          "webrtc-direct/certhash/" SERVER_CERTHASH, &a, NULL));
  g_assert_cmpint (a.name_family, ==, 6);
}

/* ---- SDP ---- */

/* the shape of webrtcbin 1.22's offer with one negotiated channel */
static const gchar webrtcbin_offer[] =
    "v=0\r\n"
    "o=- 1234 0 IN IP4 0.0.0.0\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=ice-options:trickle\r\n"
    "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=setup:actpass\r\n"
    "a=ice-ufrag:abcdefghijklmnopqrstuvwxyzABCDEF\r\n"
    "a=ice-pwd:0123456789012345678901234567890123\r\n"
    "a=mid:application0\r\n"
    "a=sctp-port:5000\r\n"
    "a=fingerprint:sha-256 3E:79:AF:40:D6:05:96:17:A0:D8:3B:83:A5:2C:E7:3B:"
    "0C:1F:37:A7:2C:60:43:AD:29:69:E2:35:1B:DC:A8:70\r\n";

static void
test_sdp_munge_offer (void)
{
  Lp2pMungedOffer m;
  g_autoptr (GError) err = NULL;
  g_autoptr (GBytes) client_fp =
      hex ("3e79af40d6059617a0d83b83a52ce73b0c1f37a72c6043ad2969e2351bdca870");
  const gchar *u = LP2P_UFRAG_PREFIX "aaaabbbbccccddddeeeeffffgggghhhh";

  g_assert_true (lp2p_sdp_munge_offer (webrtcbin_offer, u, &m, &err));
  g_assert_no_error (err);
  g_assert_cmpstr (m.mid, ==, "application0");
  g_assert_false (m.bundle);
  assert_bytes_eq (m.fingerprint, 32, client_fp);
  g_assert_nonnull (strstr (m.sdp, "\r\na=ice-ufrag:" LP2P_UFRAG_PREFIX
          "aaaabbbbccccddddeeeeffffgggghhhh\r\n"));
  g_assert_nonnull (strstr (m.sdp, "\r\na=ice-pwd:" LP2P_UFRAG_PREFIX
          "aaaabbbbccccddddeeeeffffgggghhhh\r\n"));
  g_assert_null (strstr (m.sdp, "abcdefghijklmnop"));
  g_assert_nonnull (strstr (m.sdp, "a=sctp-port:5000\r\n"
          "a=fingerprint:sha-256 3E:79"));
  g_assert_true (g_str_has_suffix (m.sdp, "a=max-message-size:16384\r\n"));
  lp2p_munged_offer_clear (&m);
}

static void
test_sdp_munge_offer_bundle_and_errors (void)
{
  Lp2pMungedOffer m;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autofree gchar *bundled = NULL;
  g_autofree gchar *no_fp = NULL;
  gchar *p;

  /* LF line ends, a BUNDLE group, an existing max-message-size replaced */
  bundled = g_strdup ("v=0\no=- 1 0 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
      "a=group:BUNDLE 0\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
      "a=mid:0\na=ice-ufrag:x\na=ice-pwd:y\na=max-message-size:262144\n"
      "a=fingerprint:sha-256 3e:79:af:40:d6:05:96:17:a0:d8:3b:83:a5:2c:e7:3b:"
      "0c:1f:37:a7:2c:60:43:ad:29:69:e2:35:1b:dc:a8:70\n");
  g_assert_true (lp2p_sdp_munge_offer (bundled, "U", &m, NULL));
  g_assert_true (m.bundle);
  g_assert_cmpstr (m.mid, ==, "0");
  g_assert_null (strstr (m.sdp, "262144"));
  g_assert_nonnull (strstr (m.sdp, "a=max-message-size:16384\r\n"));
  lp2p_munged_offer_clear (&m);

  g_assert_false (lp2p_sdp_munge_offer ("v=0\r\ns=-\r\n", "U", &m, &e1));
  g_assert_error (e1, LP2P_SDP_ERROR, LP2P_SDP_ERROR_NO_DATA_SECTION);
  no_fp = g_strdup (webrtcbin_offer);
  p = strstr (no_fp, "a=fingerprint");
  *p = '\0';
  g_assert_false (lp2p_sdp_munge_offer (no_fp, "U", &m, &e2));
  g_assert_error (e2, LP2P_SDP_ERROR, LP2P_SDP_ERROR_NO_FINGERPRINT);
}

static void
test_sdp_server_answer (void)
{
  Lp2pWebrtcDirectAddr a;
  g_autofree gchar *ans = NULL;
  const gchar *u = LP2P_UFRAG_PREFIX "aaaabbbbccccddddeeeeffffgggghhhh";

  g_assert_true (lp2p_webrtc_direct_addr_parse (SPEC_ADDR, &a, NULL));
  ans = lp2p_sdp_server_answer (&a, u, "application0", FALSE);
  /* ../shared/spec/webrtc-direct.md §1.4 step 5, line by line */
  g_assert_cmpstr (ans, ==,
      "v=0\r\n"
      "o=- 0 0 IN IP4 1.2.3.4\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=ice-lite\r\n"
      "m=application 1234 UDP/DTLS/SCTP webrtc-datachannel\r\n"
      "c=IN IP4 1.2.3.4\r\n"
      "a=mid:application0\r\n"
      "a=ice-options:ice2\r\n"
      "a=ice-ufrag:libp2p+webrtc+v1/aaaabbbbccccddddeeeeffffgggghhhh\r\n"
      "a=ice-pwd:libp2p+webrtc+v1/aaaabbbbccccddddeeeeffffgggghhhh\r\n"
      "a=fingerprint:sha-256 30:FC:9F:46:9C:20:74:19:DF:DD:0A:AB:5F:27:A8:6C:"
      "97:3C:94:E4:05:48:DB:93:75:CC:A2:E9:15:97:3B:99\r\n"
      "a=setup:passive\r\n"
      "a=sctp-port:5000\r\n"
      "a=max-message-size:16384\r\n"
      "a=candidate:1467250027 1 UDP 1467250027 1.2.3.4 1234 typ host\r\n"
      "a=end-of-candidates\r\n");
}

static void
test_ufrag (void)
{
  guint8 rnd[LP2P_UFRAG_RANDOM_LEN];
  g_autofree gchar *u = NULL;
  const gchar *p;
  guint i;

  for (i = 0; i < sizeof (rnd); i++)
    rnd[i] = (guint8) (i * 37 + 11);
  u = lp2p_ufrag_new (rnd);
  g_assert_true (g_str_has_prefix (u, "libp2p+webrtc+v1/"));
  /* RFC 8839 ice-pwd: 22..256 ice-chars */
  g_assert_cmpuint (strlen (u), >=, 22);
  g_assert_cmpuint (strlen (u), <=, 256);
  for (p = u; *p; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '+' || *p == '/');
}

/* ---- binary multiaddrs (identify's listenAddrs / observedAddr) ---- */

static gchar *
bin_to_string (const gchar * h, GError ** err)
{
  g_autoptr (GBytes) b = hex (h);

  return lp2p_multiaddr_bytes_to_string (g_bytes_get_data (b, NULL),
      g_bytes_get_size (b), err);
}

static void
check_bin (const gchar * hex, const gchar * want)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *got = bin_to_string (hex, &err);

  g_assert_no_error (err);
  g_assert_cmpstr (got, ==, want);
}

static void
check_bin_bad (const gchar * hex, const gchar * what)
{
  g_autoptr (GError) err = NULL;
  g_autofree gchar *got = bin_to_string (hex, &err);

  g_assert_null (got);
  g_assert_error (err, LP2P_MULTIADDR_ERROR, LP2P_MULTIADDR_ERROR_SYNTAX);
  if (strstr (err->message, what) == NULL)
    g_error ("'%s' does not say '%s'", err->message, what);
}

static void
test_multiaddr_binary (void)
{
  Lp2pWebrtcDirectAddr a;
  g_autoptr (GBytes) bin = NULL;
  g_autofree gchar *text = NULL;
  GString *many = g_string_new (NULL);
  guint i;

  /* multiformats/multiaddr README: /ip4/127.0.0.1/udp/1234 */
  check_bin ("047f000001910204d2", "/ip4/127.0.0.1/udp/1234");
  check_bin ("29000000000000000000000000000000010604d2dd03",
      "/ip6/::1/tcp/1234/ws");
  /* /dns4/example.com/tcp/443/wss, /p2p-circuit, /quic-v1 */
  check_bin ("360b6578616d706c652e636f6d0601bbde03",
      "/dns4/example.com/tcp/443/wss");
  check_bin ("047f000001910204d2cd03a202", "/ip4/127.0.0.1/udp/1234/quic-v1"
      "/p2p-circuit");
  /* what lp2p_webrtc_direct_addr_to_bytes() writes reads back as it was
   * written (certhash, peer id) */
  g_assert_true (lp2p_webrtc_direct_addr_parse (SPEC_ADDR, &a, NULL));
  bin = lp2p_webrtc_direct_addr_to_bytes (&a);
  text = lp2p_multiaddr_bytes_to_string (g_bytes_get_data (bin, NULL),
      g_bytes_get_size (bin), NULL);
  g_assert_cmpstr (text, ==, SPEC_ADDR);

  check_bin_bad ("", "0 bytes");
  check_bin_bad ("047f0000", "/ip4: the value ends");
  check_bin_bad ("0401020304910204", "/udp: the value ends");
  check_bin_bad ("ff7f", "unknown protocol code 0x3fff");
  check_bin_bad ("80", "bad protocol code");
  check_bin_bad ("3605612f622e63", "not printable text");
  check_bin_bad ("360a6578", "the value ends after");
  check_bin_bad ("a503020102", "/p2p:");
  check_bin_bad ("d20300", "/certhash: empty value");
  for (i = 0; i < 33; i++)
    g_string_append (many, "dd03");
  check_bin_bad (many->str, "more than 32 components");
  g_string_free (many, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/multibase/base64url-rfc4648", test_base64url_rfc4648);
  g_test_add_func ("/multibase/base64-rejects", test_base64_rejects);
  g_test_add_func ("/multibase/base32-rfc4648", test_base32_rfc4648);
  g_test_add_func ("/multibase/base58-vectors", test_base58_vectors);
  g_test_add_func ("/multibase/prefixes", test_multibase_prefixes);
  g_test_add_func ("/peerid/spec-vectors", test_peer_id_spec_vectors);
  g_test_add_func ("/peerid/rejects", test_peer_id_rejects);
  g_test_add_func ("/peerid/private-key-protobuf", test_private_key_protobuf);
  g_test_add_func ("/multiaddr/spec-example", test_multiaddr_spec_example);
  g_test_add_func ("/multiaddr/variants", test_multiaddr_variants);
  g_test_add_func ("/multiaddr/rejects", test_multiaddr_rejects);
  g_test_add_func ("/multiaddr/dns", test_multiaddr_dns);
  g_test_add_func ("/multiaddr/binary", test_multiaddr_binary);
  g_test_add_func ("/sdp/munge-offer", test_sdp_munge_offer);
  g_test_add_func ("/sdp/munge-offer-bundle-and-errors",
      test_sdp_munge_offer_bundle_and_errors);
  g_test_add_func ("/sdp/server-answer", test_sdp_server_answer);
  g_test_add_func ("/sdp/ufrag", test_ufrag);
  return g_test_run ();
}
