/* libFuzzer target: the binary multiaddr decoder (gst/libp2p/multiaddr.h
 * lp2p_multiaddr_bytes_to_string, what identify's addresses go through).
 * Invariants: a refusal says why; a decoded address is text starting with
 * '/'; one that is a WebRTC-direct address parses, and its binary form is
 * the input again (one spelling per address). */
#include "multiaddr.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  GError *err = NULL;
  gchar *text = lp2p_multiaddr_bytes_to_string (data, size, &err);
  Lp2pWebrtcDirectAddr a;

  if (text == NULL) {
    g_assert (err && err->message && *err->message);
    g_error_free (err);
    return 0;
  }
  g_assert (text[0] == '/');
  g_assert (g_utf8_validate (text, -1, NULL));
  if (lp2p_webrtc_direct_addr_parse (text, &a, NULL)) {
    GBytes *bin = lp2p_webrtc_direct_addr_to_bytes (&a);
    gsize len;
    const guint8 *d = g_bytes_get_data (bin, &len);

    g_assert (len == size && memcmp (d, data, len) == 0);
    g_bytes_unref (bin);
  }
  g_free (text);
  return 0;
}
