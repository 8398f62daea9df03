/* libFuzzer target: WebRTC-direct multiaddr and peer id text parsers
 * (gst/libp2p/multiaddr.h, peerid.h, multibase.h).
 * Invariants: a parsed multiaddr prints to text that parses to the same
 * address and prints identically (canonical form is a fixed point); a
 * parsed peer id prints to base58btc that parses to the same bytes. */
#include "multiaddr.h"
#include "peerid.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  Lp2pWebrtcDirectAddr a, b;
  Lp2pPeerId id, id2;
  GError *err = NULL;

  if (lp2p_webrtc_direct_addr_parse (text, &a, &err)) {
    g_autofree gchar *s1 = lp2p_webrtc_direct_addr_to_string (&a);
    g_autofree gchar *s2 = NULL;
    g_autoptr (GBytes) bin = lp2p_webrtc_direct_addr_to_bytes (&a);

    g_assert (lp2p_webrtc_direct_addr_parse (s1, &b, NULL));
    s2 = lp2p_webrtc_direct_addr_to_string (&b);
    g_assert (strcmp (s1, s2) == 0);
    g_assert (memcmp (a.certhash, b.certhash, 32) == 0);
    g_assert (g_bytes_get_size (bin) > 0);
  } else {
    g_assert (err && err->message && *err->message);
    g_clear_error (&err);
  }
  if (lp2p_peer_id_parse (text, &id, &err)) {
    g_autofree gchar *s = lp2p_peer_id_to_string (&id);

    g_assert (lp2p_peer_id_parse (s, &id2, NULL));
    g_assert (lp2p_peer_id_equal (&id, &id2));
  } else {
    g_assert (err && err->message && *err->message);
    g_clear_error (&err);
  }
  return 0;
}
