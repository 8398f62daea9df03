/* Connection tests: GstLibp2pConnection (gst/gstlibp2pconnection.h) used
 * directly, without the element, over two plain webrtcbins connected on
 * 127.0.0.1 (harness.h's signalling).
 *
 * The WebRTC-direct handshake on channel 0 in both Noise roles
 * (libp2p/specs webrtc/webrtc-direct.md "Connection Security"): one side is
 * the initiator (what a listener is), the other the responder (what our
 * dialer is); both prove their identity, each learns the other's peer id,
 * and substreams open only afterwards.  The prologue binds both DTLS
 * certificates, read from the transports. */
#include "harness.h"

#include "gstlibp2pconnection.h"
#include "identity.h"
#include "peerid.h"

typedef struct
{
  Harness *h;
  gchar name;
  gchar *remote_peer_id;
  guint opened, failed, ended;
  GPtrArray *pads;
} Side;

static gboolean
side_accept (gpointer owner, const gchar * protocol)
{
  return FALSE;
}

static void
side_add_pad (gpointer owner, GstPad * pad)
{
  Side *s = owner;

  g_mutex_lock (&s->h->lock);
  g_ptr_array_add (s->pads, gst_object_ref_sink (pad));
  g_mutex_unlock (&s->h->lock);
}

static void
side_remove_pad (gpointer owner, GstPad * pad)
{
  Side *s = owner;

  g_mutex_lock (&s->h->lock);
  g_ptr_array_remove (s->pads, pad);
  g_mutex_unlock (&s->h->lock);
}

static void
side_substream (gpointer owner, GstLibp2pSubstreamOutcome outcome, guint id,
    const gchar * protocol, GstPad * src, const GError * error,
    GstStructure * message)
{
  Side *s = owner;

  gst_structure_free (message);
  g_mutex_lock (&s->h->lock);
  if (outcome == GST_LIBP2P_SUBSTREAM_OPENED)
    s->opened++;
  else if (outcome == GST_LIBP2P_SUBSTREAM_FAILED)
    s->failed++;
  g_cond_broadcast (&s->h->cond);
  g_mutex_unlock (&s->h->lock);
}

static void
side_connected (gpointer owner, const gchar * remote_peer_id)
{
  Side *s = owner;

  g_mutex_lock (&s->h->lock);
  g_free (s->remote_peer_id);
  s->remote_peer_id = g_strdup (remote_peer_id);
  g_cond_broadcast (&s->h->cond);
  g_mutex_unlock (&s->h->lock);
}

static void
side_ended (gpointer owner, const GError * error, gboolean auth,
    gboolean was_connected)
{
  Side *s = owner;

  /* the reason names the stage that did not finish */
  g_assert_nonnull (strstr (error->message, "Noise handshake did not "
          "finish (0 messages"));
  g_test_message ("side %c ended: %s", s->name, error->message);
  g_mutex_lock (&s->h->lock);
  s->ended++;
  g_cond_broadcast (&s->h->cond);
  g_mutex_unlock (&s->h->lock);
}

static const GstLibp2pConnectionOwner side_owner = {
  side_accept, side_add_pad, side_remove_pad, side_substream, side_connected,
  side_ended
};

static GstLibp2pConnection *
side_connection (Side * s, GstElement * webrtc,
    GstLibp2pConnectionRole role, const Lp2pIdentity * id,
    GstClockTime connect_timeout)
{
  const gchar *protocols[] = { ECHO_P, NULL };
  GstLibp2pConnectionSettings st = { 0 };
  g_autoptr (GError) err = NULL;
  GstLibp2pConnection *conn;

  st.role = role;
  st.protocols = (gchar **) protocols;
  st.negotiation_timeout = 10 * GST_SECOND;
  st.fin_ack_timeout = 10 * GST_SECOND;
  st.connect_timeout = connect_timeout;
  st.max_frame_size = 16384;
  st.lazy = TRUE;
  st.ping_responder = TRUE;
  st.send_high_water = 1024 * 1024;
  st.receive_queue_size = 4 * 1024 * 1024;
  st.identity = id;
  conn = gst_libp2p_connection_new (webrtc, &st, &side_owner, s, &err);
  g_assert_no_error (err);
  return conn;
}

static gboolean
wait_until (Harness * h, gboolean (*done) (Side *, Side *), Side * a,
    Side * b)
{
  gint64 end = deadline_s (WAIT_S);
  gboolean ok;

  g_mutex_lock (&h->lock);
  while (!(ok = done (a, b)) && g_cond_wait_until (&h->cond, &h->lock, end));
  g_mutex_unlock (&h->lock);
  return ok;
}

static gboolean
both_authenticated (Side * a, Side * b)
{
  return (a->remote_peer_id && b->remote_peer_id) || a->ended || b->ended;
}

static gboolean
both_opened (Side * a, Side * b)
{
  return (a->opened == 1 && b->opened == 1) || a->failed;
}

typedef struct
{
  Harness *h;
  Side a, b;
  Lp2pIdentity *ida, *idb;
  GstLibp2pConnection *ca, *cb;
} Pair;

/* Two webrtcbins connected over 127.0.0.1, a connection on each (a is the
 * offerer) in the roles given. */
static Pair *
pair_new (GstLibp2pConnectionRole role_a, GstLibp2pConnectionRole role_b,
    GstClockTime connect_timeout)
{
  Pair *p = g_new0 (Pair, 1);
  Harness *h = p->h = harness_alloc ();

  p->a = (Side) { h, 'a', NULL, 0, 0, 0,
  g_ptr_array_new_with_free_func (gst_object_unref)};
  p->b = (Side) { h, 'b', NULL, 0, 0, 0,
  g_ptr_array_new_with_free_func (gst_object_unref)};
  p->ida = lp2p_identity_new (NULL);
  p->idb = lp2p_identity_new (NULL);
  h->a = gst_element_factory_make ("webrtcbin", "a");
  h->b = gst_element_factory_make ("webrtcbin", "b");
  h->wa = gst_object_ref (h->a);
  h->wb = gst_object_ref (h->b);
  harness_wire (h);
  g_assert_cmpint (gst_element_set_state (h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  p->ca = side_connection (&p->a, h->wa, role_a, p->ida, connect_timeout);
  p->cb = side_connection (&p->b, h->wb, role_b, p->idb, connect_timeout);
  g_signal_emit_by_name (h->wa, "create-offer", NULL,
      gst_promise_new_with_change_func (offer_created, h, NULL));
  g_assert_true (harness_wait_connected (h));
  return p;
}

static void
pair_free (Pair * p)
{
  gst_libp2p_connection_begin_stop (p->ca);
  gst_libp2p_connection_begin_stop (p->cb);
  gst_element_set_state (p->h->pipe, GST_STATE_NULL);
  gst_libp2p_connection_stop (p->ca);
  gst_libp2p_connection_stop (p->cb);
  gst_libp2p_connection_unref (p->ca);
  gst_libp2p_connection_unref (p->cb);
  /* every pad went back when the connections stopped */
  g_assert_cmpuint (p->a.pads->len + p->b.pads->len, ==, 0);
  g_ptr_array_unref (p->a.pads);
  g_ptr_array_unref (p->b.pads);
  g_free (p->a.remote_peer_id);
  g_free (p->b.remote_peer_id);
  lp2p_identity_free (p->ida);
  lp2p_identity_free (p->idb);
  harness_free (p->h);
  g_free (p);
}

static void
test_noise_both_roles (void)
{
  /* a: the client (offerer, Noise responder); b: the server (initiator) */
  Pair *p = pair_new (GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER,
      GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_INITIATOR, 10 * GST_SECOND);
  g_autofree gchar *peer_a = lp2p_peer_id_to_string
      (lp2p_identity_get_peer_id (p->ida));
  g_autofree gchar *peer_b = lp2p_peer_id_to_string
      (lp2p_identity_get_peer_id (p->idb));
  g_autofree gchar *ra = NULL;
  const gchar *echo[] = { ECHO_P, NULL };

  g_assert_true (wait_until (p->h, both_authenticated, &p->a, &p->b));
  g_assert_cmpuint (p->a.ended + p->b.ended, ==, 0);
  g_assert_cmpstr (p->a.remote_peer_id, ==, peer_b);
  g_assert_cmpstr (p->b.remote_peer_id, ==, peer_a);
  ra = gst_libp2p_connection_get_remote_peer_id (p->ca);
  g_assert_cmpstr (ra, ==, peer_b);
  /* substreams open once authenticated */
  g_assert_cmpuint (gst_libp2p_connection_open (p->ca, echo), >, 0);
  g_assert_true (wait_until (p->h, both_opened, &p->a, &p->b));
  g_assert_cmpuint (p->a.failed, ==, 0);
  pair_free (p);
}

static gboolean
both_ended (Side * a, Side * b)
{
  return a->ended && b->ended;
}

/* Both sides responders: each waits for the other's first message.  The
 * PeerConnection is up, the libp2p connection is not: an open fails at
 * once, and connect-timeout ends both with the reason. */
static void
test_noise_same_role_not_connected (void)
{
  Pair *p = pair_new (GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER,
      GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER, 2 * GST_SECOND);
  const gchar *echo[] = { ECHO_P, NULL };
  gint64 t0 = g_get_monotonic_time ();

  gst_libp2p_connection_open (p->ca, echo);
  g_assert_cmpuint (p->a.failed, ==, 1);        /* before open returned */
  g_assert_false (gst_libp2p_connection_is_connected (p->ca));
  g_assert_true (wait_until (p->h, both_ended, &p->a, &p->b));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
  g_assert_null (p->a.remote_peer_id);
  g_assert_null (p->b.remote_peer_id);
  pair_free (p);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  harness_preload_plugins ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection/noise-both-roles", test_noise_both_roles);
  g_test_add_func ("/connection/noise-same-role-not-connected",
      test_noise_same_role_not_connected);
  return harness_exit (g_test_run ());
}
