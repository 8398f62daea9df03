/* Unit tests: Noise XX (gst/libp2p/noise.h), the libp2p identity
 * (identity.h) and the WebRTC-direct handshake on channel 0 (direct.h).
 * Vectors:
 *  - cacophony's Noise_XX_25519_ChaChaPoly_SHA256 vector (published with
 *    mcginty/snow and rweather/noise-c, tests/vector(s)/cacophony.txt);
 *  - libp2p/specs webrtc/webrtc-direct.md "Test vectors" (the prologue);
 *  - ../shared/spec/webrtc-direct.md §4: a whole libp2p WebRTC-direct
 *    transcript (cacophony's X25519 keys, the peer-ids.md Ed25519 key as the
 *    client's identity, seed 00..1f as the server's), derived there with an
 *    independent implementation. */
#include "direct.h"
#include "frame.h"
#include "identity.h"
#include "noise.h"
#include "hex.h"

#include <string.h>

/* cacophony */
#define C_PROLOGUE "4a6f686e2047616c74"
#define C_INIT_STATIC "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1"
#define C_INIT_EPH "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"
#define C_RESP_STATIC "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"
#define C_RESP_EPH "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"

static const gchar *c_payloads[] = {
  "4c756477696720766f6e204d69736573",
  "4d757272617920526f746862617264",
  "462e20412e20486179656b",
  "4361726c204d656e676572",
  "4a65616e2d426170746973746520536179",
  "457567656e2042f6686d20766f6e2042617765726b",
};

static const gchar *c_ciphertexts[] = {
  "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
      "4c756477696720766f6e204d69736573",
  "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f"
      "276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f4"
      "88ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d"
      "162c9326ad",
  "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9"
      "df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d"
      "49b25030",
  "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df",
  "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5",
  "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae"
      "3f",
};

#define C_HANDSHAKE_HASH "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e"

/* webrtc-direct */
#define CLIENT_FP "3e79af40d6059617a0d83b83a52ce73b0c1f37a72c6043ad2969e2351bdca870"
#define SERVER_FP "30fc9f469c207419dfdd0aab5f27a86c973c94e40548db9375cca2e915973b99"
#define CLIENT_SEED "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
#define CLIENT_PEER "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define SERVER_SEED "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SERVER_PEER "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"
#define MSG1 "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944"
#define MSG2 "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b903023e906022dfbbef57a49d07c6d0d9127982eb5ca7373d1cd2cb894a3b691d625428884569f61b253de6993d9aaab76318818f2411c92bffd00d1213c9af40bc69762fdb865a1eef5d84b03cefe867e52c90b2660bc00790c4d447251664368842f7ab0c4113c235be087866b9805beb59309e5783b6b4a1797cef1366df28f534207e5117377b"
#define MSG3 "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a827f9edc79f2654b3713dfe30bc51e78014c3d6e0e8ecc962f898ecfa1e4eb0c9f37263ba120811122b88f43afe3969ecadfb05aebc5b2df07041bb4435c8877ccd26931d7dae27cef19f6d4b5c0646a152f1f79d0285df44b1efffa4e058f14bcb415d4932db21b854746bf90b93cc02e5166e890b533ab004080ed3f6f55bd98a5a12af86ba1778"
#define W_HANDSHAKE_HASH "9e7ca694ba0c98e861c6d2af5428f1d0f7289e4d0a74e769bff907db0c2b0f8d"
#define W_K1 "3062fff068d0abd171b4b4603c5b7633bf5ee4e79da311370c2eba7f1ed6c69a"
#define W_K2 "cbabb3f5e4529fc0e93efda9b4b70169270c04b05c5be25f71e9c55f7955c86a"

static const guint8 *
bytes_of (GBytes * b, gsize * len)
{
  return g_bytes_get_data (b, len);
}

/* ---- Noise XX ---- */

static void
test_cacophony_xx (void)
{
  g_autoptr (GBytes) prologue = hex (C_PROLOGUE);
  g_autoptr (GBytes) is = hex (C_INIT_STATIC);
  g_autoptr (GBytes) ie = hex (C_INIT_EPH);
  g_autoptr (GBytes) rs = hex (C_RESP_STATIC);
  g_autoptr (GBytes) re = hex (C_RESP_EPH);
  g_autoptr (GBytes) want_h = hex (C_HANDSHAKE_HASH);
  Lp2pNoise *init, *resp;
  gsize plen;
  const guint8 *p = bytes_of (prologue, &plen);
  guint8 h1[32], h2[32], ik1[32], ik2[32], rk1[32], rk2[32];
  guint i;

  init = lp2p_noise_new (TRUE, p, plen, bytes_of (is, NULL), bytes_of (ie,
          NULL), NULL);
  resp = lp2p_noise_new (FALSE, p, plen, bytes_of (rs, NULL), bytes_of (re,
          NULL), NULL);
  g_assert_nonnull (init);
  g_assert_nonnull (resp);
  for (i = 0; i < 3; i++) {
    Lp2pNoise *w = i % 2 ? resp : init, *r = i % 2 ? init : resp;
    g_autoptr (GBytes) payload = hex (c_payloads[i]);
    g_autoptr (GBytes) want = hex (c_ciphertexts[i]);
    g_autoptr (GByteArray) msg = g_byte_array_new ();
    g_autoptr (GByteArray) got = g_byte_array_new ();
    g_autoptr (GError) err = NULL;
    gsize n;
    const guint8 *d = bytes_of (payload, &n);

    g_assert_true (lp2p_noise_is_my_turn (w));
    g_assert_false (lp2p_noise_is_my_turn (r));
    g_assert_true (lp2p_noise_write_message (w, d, n, msg, &err));
    g_assert_no_error (err);
    assert_bytes_eq (msg->data, msg->len, want);
    g_assert_true (lp2p_noise_read_message (r, msg->data, msg->len, got,
            &err));
    g_assert_no_error (err);
    assert_bytes_eq (got->data, got->len, payload);
  }
  g_assert_true (lp2p_noise_is_finished (init));
  g_assert_true (lp2p_noise_is_finished (resp));
  lp2p_noise_get_handshake_hash (init, h1);
  lp2p_noise_get_handshake_hash (resp, h2);
  assert_bytes_eq (h1, 32, want_h);
  assert_bytes_eq (h2, 32, want_h);

  /* transport messages: the initiator sends with k1, the responder k2 */
  g_assert_true (lp2p_noise_split (init, ik1, ik2));
  g_assert_true (lp2p_noise_split (resp, rk1, rk2));
  g_assert_cmpmem (ik1, 32, rk1, 32);
  g_assert_cmpmem (ik2, 32, rk2, 32);
  for (i = 3; i < 6; i++) {
    g_autoptr (GBytes) payload = hex (c_payloads[i]);
    g_autoptr (GBytes) want = hex (c_ciphertexts[i]);
    gsize n;
    const guint8 *d = bytes_of (payload, &n);
    guint8 out[64], back[64];
    /* the turns keep alternating: responder (k2, n 0), initiator (k1, n 0),
     * responder (k2, n 1) */
    guint64 nonce = i == 5 ? 1 : 0;
    const guint8 *key = i == 4 ? ik1 : ik2;

    g_assert_true (lp2p_chachapoly_seal (key, nonce, NULL, 0, d, n, out));
    assert_bytes_eq (out, n + 16, want);
    g_assert_true (lp2p_chachapoly_open (key, nonce, NULL, 0, out, n + 16,
            back));
    g_assert_cmpmem (back, n, d, n);
    out[0] ^= 1;
    g_assert_false (lp2p_chachapoly_open (key, nonce, NULL, 0, out, n + 16,
            back));
  }
  lp2p_noise_free (init);
  lp2p_noise_free (resp);
}

static void
test_noise_rejects (void)
{
  Lp2pNoise *init = lp2p_noise_new (TRUE, NULL, 0, NULL, NULL, NULL);
  Lp2pNoise *resp = lp2p_noise_new (FALSE, NULL, 0, NULL, NULL, NULL);
  g_autoptr (GByteArray) m1 = g_byte_array_new ();
  g_autoptr (GByteArray) m2 = g_byte_array_new ();
  g_autoptr (GByteArray) pl = g_byte_array_new ();
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;
  static const guint8 zero[32];

  /* out of turn */
  g_assert_false (lp2p_noise_write_message (resp, NULL, 0, m1, &e1));
  g_assert_error (e1, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_STATE);
  /* too short for message 1 */
  g_assert_false (lp2p_noise_read_message (resp, zero, 31, pl, &e2));
  g_assert_error (e2, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_MESSAGE);
  /* an all-zero ephemeral is a low-order point: the DH fails */
  g_assert_true (lp2p_noise_read_message (resp, zero, 32, pl, NULL));
  g_assert_false (lp2p_noise_write_message (resp, NULL, 0, m2, &e3));
  g_assert_error (e3, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_DH);
  lp2p_noise_free (resp);

  /* a flipped bit in the encrypted static key fails authentication */
  resp = lp2p_noise_new (FALSE, NULL, 0, NULL, NULL, NULL);
  g_byte_array_set_size (m1, 0);
  g_byte_array_set_size (m2, 0);
  g_assert_true (lp2p_noise_write_message (init, NULL, 0, m1, NULL));
  g_assert_true (lp2p_noise_read_message (resp, m1->data, m1->len, pl, NULL));
  g_assert_true (lp2p_noise_write_message (resp, NULL, 0, m2, NULL));
  m2->data[40] ^= 0x80;
  g_assert_false (lp2p_noise_read_message (init, m2->data, m2->len, pl, &e4));
  g_assert_error (e4, LP2P_NOISE_ERROR, LP2P_NOISE_ERROR_DECRYPT);
  lp2p_noise_free (init);
  lp2p_noise_free (resp);
}

/* ---- identity ---- */

static void
test_identity_spec_key (void)
{
  g_autoptr (GBytes) seed = hex (CLIENT_SEED);
  g_autoptr (Lp2pIdentity) id =
      lp2p_identity_new_from_seed (bytes_of (seed, NULL), NULL);
  g_autoptr (GBytes) want_pb =
      hex ("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d4"
      "74fce27e");
  guint8 pb[LP2P_ED25519_PUBLIC_KEY_PB_LEN];
  guint8 priv[LP2P_ED25519_PRIVATE_KEY_PB_LEN];
  guint8 sig[64];
  g_autofree gchar *peer = NULL;
  g_autoptr (Lp2pIdentity) again = NULL;
  g_autoptr (Lp2pIdentity) rnd1 = lp2p_identity_new (NULL);
  g_autoptr (Lp2pIdentity) rnd2 = lp2p_identity_new (NULL);
  g_autoptr (GError) err = NULL;

  g_assert_nonnull (id);
  lp2p_identity_get_public_key_pb (id, pb);
  assert_bytes_eq (pb, sizeof (pb), want_pb);
  peer = lp2p_peer_id_to_string (lp2p_identity_get_peer_id (id));
  g_assert_cmpstr (peer, ==, CLIENT_PEER);
  /* the private key protobuf round-trips */
  lp2p_identity_get_private_key_pb (id, priv);
  again = lp2p_identity_new_from_private_key (priv, sizeof (priv), NULL);
  g_assert_nonnull (again);
  g_assert_true (lp2p_peer_id_equal (lp2p_identity_get_peer_id (again),
          lp2p_identity_get_peer_id (id)));
  /* a wrong public half is refused */
  priv[LP2P_ED25519_PRIVATE_KEY_PB_LEN - 1] ^= 1;
  g_assert_null (lp2p_identity_new_from_private_key (priv, sizeof (priv),
          &err));
  g_assert_error (err, LP2P_PEERID_ERROR, LP2P_PEERID_ERROR_KEY);
  /* sign and verify; a changed message fails */
  g_assert_true (lp2p_identity_sign (id, (const guint8 *) "abc", 3, sig));
  g_assert_true (lp2p_identity_verify (pb, sizeof (pb),
          (const guint8 *) "abc", 3, sig, 64, NULL));
  g_assert_false (lp2p_identity_verify (pb, sizeof (pb),
          (const guint8 *) "abd", 3, sig, 64, NULL));
  /* random identities differ */
  g_assert_false (lp2p_peer_id_equal (lp2p_identity_get_peer_id (rnd1),
          lp2p_identity_get_peer_id (rnd2)));
}

/* ---- the WebRTC-direct handshake ---- */

static void
test_prologue_spec_vector (void)
{
  g_autoptr (GBytes) c = hex (CLIENT_FP);
  g_autoptr (GBytes) s = hex (SERVER_FP);
  /* libp2p/specs webrtc/webrtc-direct.md "Noise prologue" test vector */
  g_autoptr (GBytes) want =
      hex ("6c69627032702d7765627274632d6e6f6973653a" "1220" CLIENT_FP "1220"
      SERVER_FP);
  guint8 out[LP2P_DIRECT_PROLOGUE_LEN];

  lp2p_direct_prologue (bytes_of (c, NULL), bytes_of (s, NULL), out);
  assert_bytes_eq (out, sizeof (out), want);
}

typedef struct
{
  Lp2pIdentity *client_id, *server_id;
  guint8 client_fp[32], server_fp[32];
  GBytes *k_cs, *k_ce, *k_ss, *k_se;
} Vec;

static void
vec_init (Vec * v)
{
  g_autoptr (GBytes) cseed = hex (CLIENT_SEED);
  g_autoptr (GBytes) sseed = hex (SERVER_SEED);
  g_autoptr (GBytes) c = hex (CLIENT_FP);
  g_autoptr (GBytes) s = hex (SERVER_FP);

  v->client_id = lp2p_identity_new_from_seed (bytes_of (cseed, NULL), NULL);
  v->server_id = lp2p_identity_new_from_seed (bytes_of (sseed, NULL), NULL);
  memcpy (v->client_fp, bytes_of (c, NULL), 32);
  memcpy (v->server_fp, bytes_of (s, NULL), 32);
  /* client = Noise responder (cacophony's resp keys), server = initiator */
  v->k_cs = hex (C_RESP_STATIC);
  v->k_ce = hex (C_RESP_EPH);
  v->k_ss = hex (C_INIT_STATIC);
  v->k_se = hex (C_INIT_EPH);
}

static void
vec_clear (Vec * v)
{
  lp2p_identity_free (v->client_id);
  lp2p_identity_free (v->server_id);
  g_bytes_unref (v->k_cs);
  g_bytes_unref (v->k_ce);
  g_bytes_unref (v->k_ss);
  g_bytes_unref (v->k_se);
}

static Lp2pDirectNoise *
vec_client (Vec * v, const Lp2pPeerId * expected)
{
  return lp2p_direct_noise_new (FALSE, v->client_id, v->client_fp,
      v->server_fp, expected, bytes_of (v->k_cs, NULL), bytes_of (v->k_ce,
          NULL), NULL);
}

static Lp2pDirectNoise *
vec_server (Vec * v)
{
  return lp2p_direct_noise_new (TRUE, v->server_id, v->client_fp,
      v->server_fp, NULL, bytes_of (v->k_ss, NULL), bytes_of (v->k_se, NULL),
      NULL);
}

/* frame(`len16 || msg`) as one SCTP message */
static GBytes *
noise_frame (const gchar * msg_hex)
{
  g_autoptr (GBytes) m = hex (msg_hex);
  gsize n;
  const guint8 *d = bytes_of (m, &n);
  g_autoptr (GByteArray) body = g_byte_array_new ();
  guint8 l[2] = { n >> 8, n & 0xff };

  g_byte_array_append (body, l, 2);
  g_byte_array_append (body, d, n);
  return lp2p_frame_encode (LP2P_FLAG_NONE, body->data, body->len);
}

static void
test_direct_transcript (void)
{
  Vec v;
  Lp2pDirectNoise *client, *server;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  g_autoptr (GBytes) f1 = noise_frame (MSG1);
  g_autoptr (GBytes) f2 = noise_frame (MSG2);
  g_autoptr (GBytes) f3 = noise_frame (MSG3);
  g_autoptr (GBytes) want_f1 = hex ("2412220020" MSG1);
  Lp2pPeerId want_server, want_client;
  g_autofree gchar *got = NULL;
  gsize n;
  const guint8 *d;

  vec_init (&v);
  g_assert_true (lp2p_peer_id_parse (SERVER_PEER, &want_server, NULL));
  g_assert_true (lp2p_peer_id_parse (CLIENT_PEER, &want_client, NULL));
  client = vec_client (&v, &want_server);
  server = vec_server (&v);

  /* server -> client: message 1, exactly the SCTP message of §4 */
  g_assert_cmpint (lp2p_direct_noise_start (server, out, NULL), ==,
      LP2P_DIRECT_NEED_MORE);
  g_assert_cmpuint (out->len, ==, 1);
  d = bytes_of (g_ptr_array_index (out, 0), &n);
  assert_bytes_eq (d, n, want_f1);
  g_ptr_array_set_size (out, 0);
  /* a responder starts nothing */
  g_assert_cmpint (lp2p_direct_noise_start (client, out, NULL), ==,
      LP2P_DIRECT_NEED_MORE);
  g_assert_cmpuint (out->len, ==, 0);

  /* client reads message 1, answers with message 2 (200 bytes, begins
   * `cd 01 12 ca 01 00 c8`) */
  d = bytes_of (f1, &n);
  g_assert_cmpint (lp2p_direct_noise_feed (client, d, n, out, NULL), ==,
      LP2P_DIRECT_NEED_MORE);
  g_assert_cmpuint (out->len, ==, 1);
  d = bytes_of (g_ptr_array_index (out, 0), &n);
  assert_bytes_eq (d, n, f2);
  g_assert_cmpmem (d, 7, "\xcd\x01\x12\xca\x01\x00\xc8", 7);

  /* server reads message 2 and writes message 3 */
  g_assert_cmpint (lp2p_direct_noise_feed (server, d, n, out, NULL), ==,
      LP2P_DIRECT_DONE);
  g_assert_cmpuint (out->len, ==, 2);
  d = bytes_of (g_ptr_array_index (out, 1), &n);
  assert_bytes_eq (d, n, f3);
  g_assert_true (lp2p_peer_id_equal (lp2p_direct_noise_get_remote_peer_id
          (server), &want_client));

  /* client reads message 3: done, the server's peer id as /p2p/ said */
  g_assert_cmpint (lp2p_direct_noise_feed (client, d, n, out, NULL), ==,
      LP2P_DIRECT_DONE);
  got = lp2p_peer_id_to_string (lp2p_direct_noise_get_remote_peer_id
      (client));
  g_assert_cmpstr (got, ==, SERVER_PEER);
  /* after the handshake channel 0 is idle: a FIN there changes nothing */
  g_assert_cmpint (lp2p_direct_noise_feed (client,
          (const guint8 *) "\x02\x08\x00", 3, out, NULL), ==,
      LP2P_DIRECT_DONE);
  g_assert_cmpuint (out->len, ==, 2);

  lp2p_direct_noise_free (client);
  lp2p_direct_noise_free (server);
  vec_clear (&v);
}

/* The payload inside message 2 (§4 "msg2 plaintext payload"): identity key
 * and its Ed25519 signature over the client's static key. */
static void
test_payload_vector (void)
{
  Vec v;
  g_autoptr (GByteArray) pl = g_byte_array_new ();
  g_autoptr (GBytes) want = hex ("0a24080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b3"
      "4b871c3cacf6010f0e42d474fce27e12403a4a587baaab5c8411924e026ed89b321997a"
      "3dbd9a6c04f94dff1c31c3515349374085eaaf96d415c2223f4f32188ddb88cfabd3971"
      "4a9572bbfd6dc24cea08");
  g_autoptr (GBytes) cs_pub =
      hex ("31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62");
  Lp2pPeerId peer;
  g_autoptr (GError) err = NULL;
  g_autoptr (GByteArray) ext = NULL;
  guint8 other[32] = { 9 };

  vec_init (&v);
  g_assert_true (lp2p_noise_payload_encode (v.client_id, bytes_of (cs_pub,
              NULL), pl));
  assert_bytes_eq (pl->data, pl->len, want);
  g_assert_true (lp2p_noise_payload_verify (pl->data, pl->len,
          bytes_of (cs_pub, NULL), &peer, NULL));
  g_assert_true (lp2p_peer_id_equal (&peer,
          lp2p_identity_get_peer_id (v.client_id)));
  /* signed over another static key: refused */
  g_assert_false (lp2p_noise_payload_verify (pl->data, pl->len, other, &peer,
          &err));
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PAYLOAD);
  g_clear_error (&err);
  /* extensions (field 4) and unknown fields are skipped */
  ext = g_byte_array_new ();
  g_byte_array_append (ext, pl->data, pl->len);
  g_byte_array_append (ext, (const guint8 *) "\x22\x04\x12\x02h2\x28\x01", 8);
  g_assert_true (lp2p_noise_payload_verify (ext->data, ext->len,
          bytes_of (cs_pub, NULL), &peer, NULL));
  /* no signature; a key given twice; truncated */
  g_assert_false (lp2p_noise_payload_verify (pl->data, 38,
          bytes_of (cs_pub, NULL), &peer, &err));
  g_assert_nonnull (strstr (err->message, "no identity_sig"));
  g_clear_error (&err);
  g_byte_array_set_size (ext, 0);
  g_byte_array_append (ext, pl->data, 38);
  g_byte_array_append (ext, pl->data, pl->len);
  g_assert_false (lp2p_noise_payload_verify (ext->data, ext->len,
          bytes_of (cs_pub, NULL), &peer, &err));
  g_assert_nonnull (strstr (err->message, "twice"));
  g_clear_error (&err);
  g_assert_false (lp2p_noise_payload_verify (pl->data, pl->len - 1,
          bytes_of (cs_pub, NULL), &peer, &err));
  g_assert_nonnull (strstr (err->message, "truncated"));
  vec_clear (&v);
}

static void
test_direct_split_frames (void)
{
  Vec v;
  Lp2pDirectNoise *client;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  g_autoptr (GBytes) m1 = hex ("0020" MSG1);
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  gsize n, an, bn;
  const guint8 *d = bytes_of (m1, &n), *ad, *bd;

  vec_init (&v);
  client = vec_client (&v, NULL);
  /* message 1 across two frames (go-libp2p style varint, body split: the
   * first frame's varint alone in one SCTP message) */
  a = lp2p_frame_encode (LP2P_FLAG_NONE, d, 10);
  b = lp2p_frame_encode (LP2P_FLAG_NONE, d + 10, n - 10);
  ad = bytes_of (a, &an);
  bd = bytes_of (b, &bn);
  g_assert_cmpint (lp2p_direct_noise_feed (client, ad, 1, out, NULL), ==,
      LP2P_DIRECT_NEED_MORE);
  g_assert_cmpint (lp2p_direct_noise_feed (client, ad + 1, an - 1, out,
          NULL), ==, LP2P_DIRECT_NEED_MORE);
  g_assert_cmpuint (out->len, ==, 0);
  g_assert_cmpint (lp2p_direct_noise_feed (client, bd, bn, out, NULL), ==,
      LP2P_DIRECT_NEED_MORE);
  g_assert_cmpuint (out->len, ==, 1);   /* message 2 went out */
  lp2p_direct_noise_free (client);
  vec_clear (&v);
}

static void
test_direct_refusals (void)
{
  Vec v;
  Lp2pDirectNoise *client;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_bytes_unref);
  g_autoptr (GBytes) f1 = noise_frame (MSG1);
  g_autoptr (GBytes) f3 = noise_frame (MSG3);
  g_autoptr (GError) err = NULL;
  Lp2pPeerId other;
  gsize n1, n3;
  const guint8 *d1 = bytes_of (f1, &n1), *d3 = bytes_of (f3, &n3);
  g_autofree guint8 *bad = NULL;

  vec_init (&v);

  /* 1. /p2p/ names another peer: authenticated but refused */
  g_assert_true (lp2p_peer_id_parse (CLIENT_PEER, &other, NULL));
  client = vec_client (&v, &other);
  lp2p_direct_noise_feed (client, d1, n1, out, NULL);
  g_assert_cmpint (lp2p_direct_noise_feed (client, d3, n3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PEER_ID);
  g_assert_nonnull (strstr (err->message, SERVER_PEER));
  g_assert_nonnull (strstr (err->message, CLIENT_PEER));
  g_clear_error (&err);
  /* sticky */
  g_assert_cmpint (lp2p_direct_noise_feed (client, d3, n3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_PEER_ID);
  g_clear_error (&err);
  lp2p_direct_noise_free (client);

  /* 2. another server fingerprint in the prologue (a wrong certhash, or a
   * DTLS man in the middle): message 3 does not decrypt */
  v.server_fp[0] ^= 1;
  client = vec_client (&v, NULL);
  lp2p_direct_noise_feed (client, d1, n1, out, NULL);
  g_assert_cmpint (lp2p_direct_noise_feed (client, d3, n3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_NOISE);
  g_clear_error (&err);
  lp2p_direct_noise_free (client);
  v.server_fp[0] ^= 1;

  /* 3. FIN before the handshake finished */
  client = vec_client (&v, NULL);
  g_assert_cmpint (lp2p_direct_noise_feed (client,
          (const guint8 *) "\x02\x08\x00", 3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_CLOSED);
  g_clear_error (&err);
  lp2p_direct_noise_free (client);

  /* 4. not a frame (unknown wire type) */
  client = vec_client (&v, NULL);
  g_assert_cmpint (lp2p_direct_noise_feed (client,
          (const guint8 *) "\x02\x0b\x00", 3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_FRAME);
  g_clear_error (&err);
  lp2p_direct_noise_free (client);

  /* 5. a tampered message 3 */
  client = vec_client (&v, NULL);
  lp2p_direct_noise_feed (client, d1, n1, out, NULL);
  bad = g_memdup2 (d3, n3);
  bad[n3 - 1] ^= 1;
  g_assert_cmpint (lp2p_direct_noise_feed (client, bad, n3, out, &err), ==,
      LP2P_DIRECT_FAILED);
  g_assert_error (err, LP2P_DIRECT_ERROR, LP2P_DIRECT_ERROR_NOISE);
  lp2p_direct_noise_free (client);
  vec_clear (&v);
}

/* Our responder against our initiator with random keys. */
static void
test_direct_random_keys (void)
{
  g_autoptr (Lp2pIdentity) cid = lp2p_identity_new (NULL);
  g_autoptr (Lp2pIdentity) sid = lp2p_identity_new (NULL);
  guint8 cfp[32] = { 1 }, sfp[32] = { 2 };
  Lp2pDirectNoise *c = lp2p_direct_noise_new (FALSE, cid, cfp, sfp,
      lp2p_identity_get_peer_id (sid), NULL, NULL, NULL);
  Lp2pDirectNoise *s = lp2p_direct_noise_new (TRUE, sid, cfp, sfp, NULL,
      NULL, NULL, NULL);
  g_autoptr (GPtrArray) to_c = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) to_s = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_bytes_unref);
  gsize n;
  const guint8 *d;

  lp2p_direct_noise_start (s, to_c, NULL);
  d = bytes_of (g_ptr_array_index (to_c, 0), &n);
  lp2p_direct_noise_feed (c, d, n, to_s, NULL);
  d = bytes_of (g_ptr_array_index (to_s, 0), &n);
  g_assert_cmpint (lp2p_direct_noise_feed (s, d, n, to_c, NULL), ==,
      LP2P_DIRECT_DONE);
  d = bytes_of (g_ptr_array_index (to_c, 1), &n);
  g_assert_cmpint (lp2p_direct_noise_feed (c, d, n, to_s, NULL), ==,
      LP2P_DIRECT_DONE);
  g_assert_true (lp2p_peer_id_equal (lp2p_direct_noise_get_remote_peer_id (c),
          lp2p_identity_get_peer_id (sid)));
  g_assert_true (lp2p_peer_id_equal (lp2p_direct_noise_get_remote_peer_id (s),
          lp2p_identity_get_peer_id (cid)));
  lp2p_direct_noise_free (c);
  lp2p_direct_noise_free (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/noise/cacophony-xx", test_cacophony_xx);
  g_test_add_func ("/noise/rejects", test_noise_rejects);
  g_test_add_func ("/identity/spec-key", test_identity_spec_key);
  g_test_add_func ("/direct/prologue-spec-vector", test_prologue_spec_vector);
  g_test_add_func ("/direct/transcript", test_direct_transcript);
  g_test_add_func ("/direct/payload-vector", test_payload_vector);
  g_test_add_func ("/direct/split-frames", test_direct_split_frames);
  g_test_add_func ("/direct/refusals", test_direct_refusals);
  g_test_add_func ("/direct/random-keys", test_direct_random_keys);
  return g_test_run ();
}
