/* Connection tests: GstLibp2pConnection (gst/gstlibp2pconnection.h) used
 * directly, without the element, over two plain webrtcbins connected on
 * 127.0.0.1 (harness.h's signalling).
 *
 * The WebRTC-direct handshake on channel 0 in both Noise roles
 * (libp2p/specs webrtc/webrtc-direct.md "Connection Security"): one side is
 * the initiator (what a listener is), the other the responder (what our
 * dialer is); both prove their identity, each learns the other's peer id,
 * and substreams open only afterwards.  The prologue binds both DTLS
 * certificates, read from the transports.
 *
 * identify (libp2p/specs identify/README.md) between two connections: each
 * answers /ipfs/id/1.0.0 and asks the other's once authenticated; what a
 * remote answers that is malformed, too large, truncated, late or carries
 * someone else's key is reported as the identify's failure and costs the
 * connection nothing. */
#include "harness.h"
#include "gstlibp2passocid.h"

#include "gstlibp2pconnection.h"
#include "identify.h"
#include "identity.h"
#include "peerid.h"

typedef struct
{
  Harness *h;
  gchar name;
  gchar *remote_peer_id;
  guint opened, failed, ended;
  GPtrArray *pads;
  guint identified;             /* identified() calls */
  GstStructure *identify;       /* what it said, or NULL */
  GError *identify_error;
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

static void
side_identified (gpointer owner, GstStructure * info, const GError * error)
{
  Side *s = owner;

  g_mutex_lock (&s->h->lock);
  s->identified++;
  g_clear_pointer (&s->identify, gst_structure_free);
  g_clear_error (&s->identify_error);
  s->identify = info;
  s->identify_error = error ? g_error_copy (error) : NULL;
  g_cond_broadcast (&s->h->cond);
  g_mutex_unlock (&s->h->lock);
}

static const GstLibp2pConnectionOwner side_owner = {
  side_accept, side_add_pad, side_remove_pad, side_substream, side_connected,
  side_ended, side_identified
};

/* @protocols NULL: /echo/1.0.0 */
static GstLibp2pConnection *
side_connection (Side * s, GstElement * webrtc,
    GstLibp2pConnectionRole role, const Lp2pIdentity * id,
    GstClockTime connect_timeout, const gchar * const *protocols)
{
  const gchar *echo[] = { ECHO_P, NULL };
  g_autofree gchar *agent = g_strdup_printf ("side-%c/1.0", s->name);
  GstLibp2pConnectionSettings st = { 0 };
  g_autoptr (GError) err = NULL;
  GstLibp2pConnection *conn;

  st.role = role;
  st.protocols = (gchar **) (protocols ? protocols : echo);
  st.identify = TRUE;
  st.agent_version = agent;
  st.identify_timeout = 1 * GST_SECOND;
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
 * offerer) in the roles given; b accepts @protocols_b (NULL: echo). */
static Pair *
pair_new_with (GstLibp2pConnectionRole role_a,
    GstLibp2pConnectionRole role_b, GstClockTime connect_timeout,
    const gchar * const *protocols_b)
{
  Pair *p = g_new0 (Pair, 1);
  Harness *h = p->h = harness_alloc ();

  p->a.h = p->b.h = h;
  p->a.name = 'a';
  p->b.name = 'b';
  p->a.pads = g_ptr_array_new_with_free_func (gst_object_unref);
  p->b.pads = g_ptr_array_new_with_free_func (gst_object_unref);
  p->ida = lp2p_identity_new (NULL);
  p->idb = lp2p_identity_new (NULL);
  h->a = gst_element_factory_make ("webrtcbin", "a");
  h->b = gst_element_factory_make ("webrtcbin", "b");
  h->wa = gst_object_ref (h->a);
  h->wb = gst_object_ref (h->b);
  harness_wire (h);
  g_assert_cmpint (gst_element_set_state (h->pipe, GST_STATE_PLAYING), !=,
      GST_STATE_CHANGE_FAILURE);
  p->ca = side_connection (&p->a, h->wa, role_a, p->ida, connect_timeout,
      NULL);
  p->cb = side_connection (&p->b, h->wb, role_b, p->idb, connect_timeout,
      protocols_b);
  g_signal_emit_by_name (h->wa, "create-offer", NULL,
      gst_promise_new_with_change_func (offer_created, h, NULL));
  g_assert_true (harness_wait_connected (h));
  return p;
}

static Pair *
pair_new (GstLibp2pConnectionRole role_a, GstLibp2pConnectionRole role_b,
    GstClockTime connect_timeout)
{
  return pair_new_with (role_a, role_b, connect_timeout, NULL);
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
  g_clear_pointer (&p->a.identify, gst_structure_free);
  g_clear_pointer (&p->b.identify, gst_structure_free);
  g_clear_error (&p->a.identify_error);
  g_clear_error (&p->b.identify_error);
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
  /* each webrtcbin's sctpdec and sctpenc share an id of their own
   * (gstlibp2passocid.c), given back once both are gone */
  g_assert_cmpuint (gst_libp2p_assoc_ids_held (), ==, 2);
  pair_free (p);
  {
    /* the elements' last references may go on another thread */
    gint64 end = deadline_s (5);

    while (gst_libp2p_assoc_ids_held () > 0 && g_get_monotonic_time () < end)
      g_usleep (10 * 1000);
  }
  g_assert_cmpuint (gst_libp2p_assoc_ids_held (), ==, 0);
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

static gboolean
both_identified (Side * a, Side * b)
{
  return (a->identified && b->identified) || a->ended || b->ended;
}

static gboolean
a_opened (Side * a, Side * b)
{
  return a->opened >= 1 || a->failed;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE
    ("sink_%s", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

static gboolean
a_identified (Side * a, Side * b)
{
  return a->identified || a->ended;
}

/* The strings of a GstValueArray field, joined by ' '. */
static gchar *
strings_of (const GstStructure * s, const gchar * field)
{
  const GValue *arr = gst_structure_get_value (s, field);
  GString *out = g_string_new (NULL);
  guint i;

  g_assert_nonnull (arr);
  for (i = 0; i < gst_value_array_get_size (arr); i++)
    g_string_append_printf (out, "%s%s", i ? " " : "",
        g_value_get_string (gst_value_array_get_value (arr, i)));
  return g_string_free (out, FALSE);
}

/* Each side answers the other's request and reports the other's answer:
 * the peer id Noise proved, its agent, the protocols it accepts (its own
 * ping and identify included), no listen address (neither listens), no
 * observed address (the application signalled: no address is known). */
static void
test_identify_both_ways (void)
{
  Pair *p = pair_new (GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER,
      GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_INITIATOR, 10 * GST_SECOND);
  Side *sides[2] = { &p->a, &p->b };
  Lp2pIdentity *ids[2] = { p->idb, p->ida };
  GstStructure *got;
  guint i;

  g_assert_true (wait_until (p->h, both_identified, &p->a, &p->b));
  for (i = 0; i < 2; i++) {
    Side *s = sides[i];
    g_autofree gchar *peer = lp2p_peer_id_to_string
        (lp2p_identity_get_peer_id (ids[i]));
    g_autofree gchar *protocols = NULL;
    g_autofree gchar *addrs = NULL;
    g_autofree gchar *agent = g_strdup_printf ("side-%c/1.0",
        s->name == 'a' ? 'b' : 'a');

    g_assert_no_error (s->identify_error);
    g_assert_nonnull (s->identify);
    g_assert_cmpstr (gst_structure_get_string (s->identify, "peer-id"), ==,
        peer);
    g_assert_cmpstr (gst_structure_get_string (s->identify, "agent-version"),
        ==, agent);
    g_assert_cmpstr (gst_structure_get_string (s->identify,
            "protocol-version"), ==, "ipfs/0.1.0");
    protocols = strings_of (s->identify, "protocols");
    g_assert_cmpstr (protocols, ==, "/echo/1.0.0 /ipfs/ping/1.0.0 "
        "/ipfs/id/1.0.0");
    addrs = strings_of (s->identify, "listen-addrs");
    g_assert_cmpstr (addrs, ==, "");
    g_assert_false (gst_structure_has_field (s->identify, "observed-addr"));
    /* a service: never a substream of the owner's */
    g_assert_cmpuint (s->opened + s->failed, ==, 0);
    g_assert_cmpuint (s->pads->len, ==, 0);
  }
  got = gst_libp2p_connection_get_remote_identify (p->ca);
  g_assert_true (gst_structure_is_equal (got, p->a.identify));
  gst_structure_free (got);
  /* once per connection */
  g_usleep (200 * 1000);
  g_assert_cmpuint (p->a.identified + p->b.identified, ==, 2);
  pair_free (p);
}

/* What b's application answers on /ipfs/id/1.0.0 (b lists it, so a's
 * request reaches b's pads): @answer, then EOS when @fin. */
typedef struct
{
  const gchar *name;
  const gchar *answer_hex;      /* NULL: an Identify with another's key */
  gboolean fin;
  const gchar *want;            /* in a's identify error */
} BadAnswer;

static GBytes *
hex_bytes (const gchar * h)
{
  GByteArray *a = g_byte_array_new ();

  for (; h[0] && h[1]; h += 2) {
    guint8 b = (guint8) (g_ascii_xdigit_value (h[0]) << 4 |
        g_ascii_xdigit_value (h[1]));

    g_byte_array_append (a, &b, 1);
  }
  return g_byte_array_free_to_bytes (a);
}

/* An Identify whose public key is a third party's. */
static GBytes *
impostor_identify (void)
{
  g_autoptr (Lp2pIdentity) other = lp2p_identity_new (NULL);
  guint8 pb[LP2P_ED25519_PUBLIC_KEY_PB_LEN];
  Lp2pIdentify id;
  GBytes *msg;

  lp2p_identify_init (&id);
  id.agent_version = g_strdup ("impostor/1.0");
  lp2p_identity_get_public_key_pb (other, pb);
  id.public_key = g_bytes_new (pb, sizeof (pb));
  msg = lp2p_identify_encode_delimited (&id);
  lp2p_identify_clear (&id);
  return msg;
}

static void
push_answer (GstPad * pad, const BadAnswer * c)
{
  GBytes *bytes = c->answer_hex ? hex_bytes (c->answer_hex) :
      impostor_identify ();
  GstSegment seg;

  gst_segment_init (&seg, GST_FORMAT_BYTES);
  g_assert_true (gst_pad_set_active (pad, TRUE));
  gst_pad_send_event (pad, gst_event_new_stream_start ("identify-answer"));
  gst_pad_send_event (pad, gst_event_new_segment (&seg));
  if (g_bytes_get_size (bytes) > 0)
    /* the flow may be an error: a resets the substream as it reads */
    gst_pad_chain (pad, gst_buffer_new_wrapped_bytes (bytes));
  else
    g_bytes_unref (bytes);
  if (c->fin)
    gst_pad_send_event (pad, gst_event_new_eos ());
}

static void
test_identify_bad_answers (void)
{
  static const BadAnswer cases[] = {
    /* a length prefix of 16384 (over LP2P_IDENTIFY_MAX_MESSAGE) */
    {"too large", "808001", FALSE, "message of 16384"},
    /* field 1 (publicKey) says 127 bytes, the message has 1 */
    {"malformed", "030a7f00", FALSE, "field 1 ends"},
    {"truncated", "10010203", TRUE, "ended inside the message (4 bytes"},
    {"nothing", "", TRUE, "ended inside the message (0 bytes"},
    /* neither a message nor FIN: the deadline (1 s here, 10 s by
     * default) */
    {"silence", "", FALSE, "no answer within 0:00:01"},
    {"someone else's key", NULL, TRUE, "the public key of"},
  };
  const gchar *protocols_b[] = { ECHO_P, LP2P_IDENTIFY_PROTOCOL, NULL };
  GstPadTemplate *templ = gst_static_pad_template_get (&sink_template);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    Pair *p = pair_new_with (GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_RESPONDER,
        GST_LIBP2P_CONNECTION_SIGNALLED_NOISE_INITIATOR, 10 * GST_SECOND,
        protocols_b);
    GstPad *pad = gst_libp2p_connection_new_sink_pad (templ,
        "sink_ipfs-id-1-0-0_0");
    const gchar *echo[] = { ECHO_P, NULL };

    g_test_message ("b answers: %s", cases[i].name);
    gst_object_ref_sink (pad);
    g_assert_cmpint (gst_libp2p_connection_add_sink_pad (p->cb,
            GST_LIBP2P_PAD (pad), "ipfs-id-1-0-0", 0, FALSE, NULL), ==,
        GST_LIBP2P_SINK_BIND_OK);
    push_answer (pad, &cases[i]);
    g_assert_true (wait_until (p->h, a_identified, &p->a, &p->b));
    g_assert_null (p->a.identify);
    g_assert_nonnull (p->a.identify_error);
    g_test_message ("a: %s", p->a.identify_error->message);
    if (strstr (p->a.identify_error->message, cases[i].want) == NULL)
      g_error ("'%s' does not say '%s'", p->a.identify_error->message,
          cases[i].want);
    /* the connection carries on: a substream opens, nothing else ended */
    g_assert_true (gst_libp2p_connection_is_connected (p->ca));
    g_assert_cmpuint (gst_libp2p_connection_open (p->ca, echo), >, 0);
    g_assert_true (wait_until (p->h, a_opened, &p->a, &p->b));
    g_assert_cmpuint (p->a.failed + p->a.ended, ==, 0);
    gst_pad_set_active (pad, FALSE);
    gst_libp2p_connection_remove_sink_pad (p->cb, GST_LIBP2P_PAD (pad));
    gst_object_unref (pad);
    pair_free (p);
  }
  gst_object_unref (templ);
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
  g_test_add_func ("/connection/identify-both-ways", test_identify_both_ways);
  g_test_add_func ("/connection/identify-bad-answers",
      test_identify_bad_answers);
  return harness_exit (g_test_run ());
}
