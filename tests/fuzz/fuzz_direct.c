/* libFuzzer target: the WebRTC-direct handshake on channel 0, as the
 * client (gst/libp2p/direct.h): frames, Noise messages and the remote's
 * handshake payload all come from the input.
 * The input is cut into SCTP messages: each first byte is the length of
 * the message that follows.  Invariants: never DONE without a remote peer
 * id; once FAILED or DONE it stays so; the payload parser on the whole
 * input never accepts a payload whose signature it could not check (here:
 * random bytes never carry a valid Ed25519 signature). */
#include "direct.h"
#include "identity.h"

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  static Lp2pIdentity *id;
  static const guint8 seed[32] = { 1, 2, 3 };
  static const guint8 priv_s[32] = { 4 }, priv_e[32] = { 5 };
  static const guint8 cfp[32] = { 6 }, sfp[32] = { 7 };
  static const guint8 remote_static[32] = { 9 };
  Lp2pDirectNoise *st;
  GPtrArray *out;
  Lp2pDirectStatus s = LP2P_DIRECT_NEED_MORE, prev = s;
  Lp2pPeerId peer;
  gsize pos = 0;

  if (id == NULL)
    id = lp2p_identity_new_from_seed (seed, NULL);
  /* fixed keys: the same input always takes the same path */
  st = lp2p_direct_noise_new (FALSE, id, cfp, sfp, NULL, priv_s, priv_e,
      NULL);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  while (pos < size) {
    gsize n = MIN ((gsize) data[pos], size - pos - 1);
    GError *err = NULL;

    s = lp2p_direct_noise_feed (st, data + pos + 1, n, out, &err);
    g_assert ((s == LP2P_DIRECT_FAILED) == (err != NULL));
    g_clear_error (&err);
    if (prev != LP2P_DIRECT_NEED_MORE)
      g_assert (s == prev);
    if (s == LP2P_DIRECT_DONE)
      g_assert (lp2p_direct_noise_get_remote_peer_id (st) != NULL);
    prev = s;
    pos += n + 1;
  }
  g_assert (s != LP2P_DIRECT_DONE);     /* needs a forged Noise message 3 */
  g_assert (!lp2p_noise_payload_verify (data, size, remote_static, &peer,
          NULL));
  g_ptr_array_unref (out);
  lp2p_direct_noise_free (st);
  return 0;
}
