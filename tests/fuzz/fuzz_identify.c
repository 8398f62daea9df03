/* libFuzzer target: the identify message decoder (gst/libp2p/identify.h),
 * length-prefixed as it arrives on /ipfs/id/1.0.0.
 * Invariants: a refusal says why; an accepted message stays within the
 * bounds, and encoding what was decoded and decoding that again gives the
 * same fields (unknown fields are dropped, so the bytes may differ). */
#include "identify.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, size_t size);

static void
assert_same (const Lp2pIdentify * a, const Lp2pIdentify * b)
{
  guint i;

  g_assert (g_strcmp0 (a->agent_version, b->agent_version) == 0);
  g_assert (g_strcmp0 (a->protocol_version, b->protocol_version) == 0);
  g_assert (a->protocols->len == b->protocols->len);
  for (i = 0; i < a->protocols->len; i++)
    g_assert (strcmp (g_ptr_array_index (a->protocols, i),
            g_ptr_array_index (b->protocols, i)) == 0);
  g_assert (a->listen_addrs->len == b->listen_addrs->len);
  for (i = 0; i < a->listen_addrs->len; i++)
    g_assert (g_bytes_equal (g_ptr_array_index (a->listen_addrs, i),
            g_ptr_array_index (b->listen_addrs, i)));
  g_assert ((a->public_key == NULL) == (b->public_key == NULL));
  g_assert (a->public_key == NULL || g_bytes_equal (a->public_key,
          b->public_key));
  g_assert ((a->observed_addr == NULL) == (b->observed_addr == NULL));
}

int
LLVMFuzzerTestOneInput (const guint8 * data, size_t size)
{
  Lp2pIdentify id, again;
  GError *err = NULL;
  gsize used = 0;
  Lp2pIdentifyReadResult r;

  memset (&id, 0, sizeof (id));
  r = lp2p_identify_read_delimited (data, size, &id, &used, &err);
  if (r == LP2P_IDENTIFY_READ_OK) {
    g_autoptr (GBytes) body = lp2p_identify_encode (&id);
    gsize len;
    const guint8 *d = g_bytes_get_data (body, &len);

    g_assert (used <= size);
    g_assert (id.protocols->len <= LP2P_IDENTIFY_MAX_PROTOCOLS);
    g_assert (id.listen_addrs->len <= LP2P_IDENTIFY_MAX_ADDRS);
    g_assert (lp2p_identify_decode (d, len, &again, NULL));
    assert_same (&id, &again);
    lp2p_identify_clear (&again);
  } else if (r == LP2P_IDENTIFY_READ_INVALID) {
    g_assert (err && err->message && *err->message);
    g_clear_error (&err);
  }
  if (id.protocols)
    lp2p_identify_clear (&id);
  return 0;
}
