/* Element tests of the protocols the element serves itself
 * (docs/element.md, "Protocols the element serves itself"): identify
 * (libp2p/specs identify/README.md) answered between two elements, the
 * answer decoded with the core's decoder and checked field by field; off
 * with identify=false; the application's when protocols lists it.  Over
 * real webrtcbins on 127.0.0.1 (harness.h), application signalling. */
#include "harness.h"

#include "identify.h"
#include "peerid.h"

#define ID_P "/ipfs/id/1.0.0"

/* How many element messages @name @side posted so far. */
static guint
bus_count (Harness * h, gchar side, const gchar * name)
{
  guint i, n = 0;

  g_mutex_lock (&h->lock);
  for (i = 0; i < h->bus_messages->len; i++) {
    const GstStructure *s = g_ptr_array_index (h->bus_messages, i);
    gchar sd = 0;

    gst_structure_get (s, "side", G_TYPE_CHAR, &sd, NULL);
    n += sd == side && gst_structure_has_name (s, name);
  }
  g_mutex_unlock (&h->lock);
  return n;
}

/* b opens /ipfs/id/1.0.0 to a and collects what a sends; returns b's
 * substream id. */
static guint
b_asks_identify (Harness * h, Rx * rx)
{
  guint id = 0;

  link_src_to_rx (h->b, rx);
  harness_start (h);
  g_signal_emit_by_name (h->b, "open-substream", ID_P, NULL, &id);
  return id;
}

/* a answers: one Identify message, then FIN; its fields are what a is */
static void
test_identify_answered (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  g_autofree gchar *peer_a = NULL;
  g_autofree gchar *said = NULL;
  Lp2pIdentify id;
  Lp2pPeerId key_peer;
  g_autoptr (GError) err = NULL;
  const GstStructure *closed;
  Event *e;
  gsize used = 0;
  guint sid;

  g_object_set (h->a, "agent-version", "services-test/3.1", NULL);
  sid = b_asks_identify (h, rx);
  /* each step on its own: which one fails says where the answer stopped */
  e = wait_outcome (h, 'b', sid);
  g_assert_nonnull (e);
  if (e->kind == 'f')
    g_error ("b's identify substream failed (%d): %s", e->code, e->message);
  g_assert_true (rx_wait (rx, 1, FALSE));
  g_assert_true (rx_wait (rx, 1, TRUE));
  g_assert_cmpint (lp2p_identify_read_delimited (rx->data->data,
          rx->data->len, &id, &used, &err), ==, LP2P_IDENTIFY_READ_OK);
  g_assert_no_error (err);
  /* one message, nothing after it */
  g_assert_cmpuint (used, ==, rx->data->len);
  g_assert_cmpstr (id.agent_version, ==, "services-test/3.1");
  g_assert_cmpstr (id.protocol_version, ==, "ipfs/0.1.0");
  g_assert_cmpuint (id.protocols->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 0), ==, ECHO_P);
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 1), ==,
      "/ipfs/ping/1.0.0");
  g_assert_cmpstr (g_ptr_array_index (id.protocols, 2), ==, ID_P);
  /* the public key is a's identity */
  g_assert_nonnull (id.public_key);
  lp2p_peer_id_from_public_key (g_bytes_get_data (id.public_key, NULL),
      g_bytes_get_size (id.public_key), &key_peer);
  said = lp2p_peer_id_to_string (&key_peer);
  g_object_get (h->a, "peer-id", &peer_a, NULL);
  g_assert_cmpstr (said, ==, peer_a);
  /* a listens nowhere; with application signalling it knows no address */
  g_assert_cmpuint (id.listen_addrs->len, ==, 0);
  g_assert_null (id.observed_addr);
  lp2p_identify_clear (&id);

  /* b's substream ends cleanly: a's FIN, then ours (nobody writes) */
  closed = wait_bus_id (h, 'b', "libp2p-substream-closed", sid);
  g_assert_nonnull (closed);
  g_assert_false (gst_structure_has_field (closed, "error"));
  /* a served it itself: no signal, no pad, no message; and it does not ask
   * b's identify over application signalling */
  g_assert_cmpuint (count_events (h, 'a', 'o'), ==, 0);
  g_assert_null (gst_element_get_static_pad (h->a, "src_ipfs-id-1-0-0_0"));
  g_assert_cmpuint (bus_count (h, 'a', "libp2p-identify"), ==, 0);
  harness_free (h);
  rx_free (rx);
}

/* identify=false: a refuses /ipfs/id/1.0.0 like any protocol it lacks */
static void
test_identify_off (void)
{
  Harness *h = harness_new (ECHO_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  Event *e;
  guint sid;

  g_object_set (h->a, "identify", FALSE, NULL);
  sid = b_asks_identify (h, rx);
  e = wait_outcome (h, 'b', sid);
  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, 'f');
  g_assert_cmpint (e->code, ==, GST_LIBP2P_ERROR_REFUSED);
  g_assert_cmpuint (rx->data->len, ==, 0);
  harness_free (h);
  rx_free (rx);
}

/* protocols lists /ipfs/id/1.0.0: the application answers, with pads */
static void
test_identify_listed_is_the_application_s (void)
{
  Harness *h = harness_new (ECHO_P "," ID_P, ECHO_P, FALSE);
  Rx *rx = rx_new ();
  Event *e;

  b_asks_identify (h, rx);
  e = wait_event (h, 'a', 'o', 0);
  g_assert_nonnull (e);
  g_assert_cmpstr (e->protocol, ==, ID_P);
  g_assert_cmpstr (GST_PAD_NAME (e->pad), ==, "src_ipfs-id-1-0-0_0");
  harness_free (h);
  rx_free (rx);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/services/identify-answered", test_identify_answered);
  g_test_add_func ("/services/identify-off", test_identify_off);
  g_test_add_func ("/services/identify-listed-is-the-application-s",
      test_identify_listed_is_the_application_s);
  return harness_exit (g_test_run ());
}
