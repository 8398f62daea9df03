/* gst-libp2p: libp2plistener's own pads (see gstlibp2plistener-priv.h)
 *
 * What a gst-launch-1.0 line needs to serve clients without a program:
 * the substreams of every client appear on the listener itself, numbered
 * listener-wide per protocol key in the order they are negotiated:
 *   - src_<key>_<n> (sometimes): a ghost of the client's src pad of its
 *     substream (what that client sends);
 *   - sink_<key>_<n> (request): waits for the listener's substream n of
 *     that key, then writes into that client's substream (the client's own
 *     requested sink pad, fed through a floating relay pad); EOS sends FIN.
 * A client src pad that a connection-added/pad-added handler of the
 * application linked itself is neither exposed nor numbered here.
 *
 * Locks: self->lock guards key_next, exposed, waiting_sinks and every
 * ListenSink's fields; never held while calling into a child or a pad.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2plistener-priv.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_libp2p_listener_debug);
#define GST_CAT_DEFAULT gst_libp2p_listener_debug

static GstStaticPadTemplate listen_src_template =
GST_STATIC_PAD_TEMPLATE ("src_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate listen_sink_template =
GST_STATIC_PAD_TEMPLATE ("sink_%s", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);

/* A substream exposed on the listener: which client, which of its pads. */
typedef struct
{
  GstElement *child;
  gchar *child_sink;            /* sink_<key>_<m>: the client's name for it */
} Exposed;

static void
exposed_free (gpointer p)
{
  Exposed *e = p;

  gst_object_unref (e->child);
  g_free (e->child_sink);
  g_free (e);
}

/* A requested sink pad of the listener. */
typedef struct
{
  GstPad *relay;                /* floating src pad -> the client's sink pad */
  GCond cond;
  gboolean bound;               /* relay linked (or the binding failed) */
  gboolean flushing;
  GstElement *child;            /* once bound */
  GstPad *child_pad;
} ListenSink;

static GQuark sink_quark;

static void
listen_sink_free (gpointer p)
{
  ListenSink *ls = p;

  gst_object_unref (ls->relay);
  g_cond_clear (&ls->cond);
  gst_clear_object (&ls->child);
  gst_clear_object (&ls->child_pad);
  g_free (ls);
}

static ListenSink *
listen_sink (GstPad * pad)
{
  return g_object_get_qdata (G_OBJECT (pad), sink_quark);
}

/* ---- binding a sink pad to a client's substream ---- */

/* Any thread but with no lock held: requests the client's own sink pad of
 * the substream and links the relay to it; wakes the pad's writer. */
static void
sink_bind (GstLibp2pListener * self, GstPad * pad, GstElement * child,
    const gchar * child_sink)
{
  ListenSink *ls = listen_sink (pad);
  GstPad *cp = gst_element_request_pad_simple (child, child_sink);

  if (cp && gst_pad_link (ls->relay, cp) != GST_PAD_LINK_OK) {
    gst_element_release_request_pad (child, cp);
    gst_clear_object (&cp);
  }
  if (cp == NULL)
    GST_WARNING_OBJECT (self, "%s: %s of %s could not be had: its substream "
        "ended", GST_PAD_NAME (pad), child_sink, GST_ELEMENT_NAME (child));
  else
    GST_INFO_OBJECT (self, "%s writes into %s of %s", GST_PAD_NAME (pad),
        child_sink, GST_ELEMENT_NAME (child));
  g_mutex_lock (&self->lock);
  ls->child = gst_object_ref (child);
  ls->child_pad = cp;
  ls->bound = TRUE;
  g_cond_broadcast (&ls->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits until @pad is bound; FALSE when it is flushing first. */
static gboolean
sink_wait (GstLibp2pListener * self, GstPad * pad)
{
  ListenSink *ls = listen_sink (pad);
  gboolean bound;

  g_mutex_lock (&self->lock);
  while (!ls->bound && !ls->flushing)
    g_cond_wait (&ls->cond, &self->lock);
  bound = ls->bound && !ls->flushing;
  g_mutex_unlock (&self->lock);
  return bound;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (parent);
  ListenSink *ls = listen_sink (pad);
  GstFlowReturn ret;

  if (!sink_wait (self, pad)) {
    gst_buffer_unref (buf);
    return GST_FLOW_FLUSHING;
  }
  ret = gst_pad_push (ls->relay, buf);
  /* the client's pad went with its substream or its connection: this
   * pad's stream is over */
  if (ret == GST_FLOW_NOT_LINKED)
    ret = GST_FLOW_EOS;
  return ret;
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (parent);
  ListenSink *ls = listen_sink (pad);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      ls->flushing = GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START;
      g_cond_broadcast (&ls->cond);
      g_mutex_unlock (&self->lock);
      break;
    case GST_EVENT_EOS:
      /* EOS means FIN: there must be a substream to end */
      if (!sink_wait (self, pad)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    default:
      break;
  }
  /* before the binding, sticky events wait on the relay, pending for the
   * link (gst_pad_push_event returns TRUE for them but EOS); others have
   * nowhere to go yet */
  return gst_pad_push_event (ls->relay, event);
}

static gboolean
sink_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode,
    gboolean active)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (parent);
  ListenSink *ls = listen_sink (pad);

  g_mutex_lock (&self->lock);
  ls->flushing = !active;
  g_cond_broadcast (&ls->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/* ---- a client's pads ---- */

static gchar *
src_key (const gchar * src_name, gint * n)
{
  g_autofree gchar *as_sink = g_strconcat ("sink_", src_name + 4, NULL);
  gchar *key = NULL;

  if (!g_str_has_prefix (src_name, "src_") ||
      !bin_parse_sink_name (as_sink, &key, n))
    return NULL;
  return key;
}

/* A waiting sink pad named @name, taken off the list. */
static GstPad *
take_waiting_locked (GstLibp2pListener * self, const gchar * name)
{
  GList *l;

  for (l = self->waiting_sinks; l; l = l->next) {
    GstPad *pad = l->data;

    if (g_str_equal (GST_PAD_NAME (pad), name)) {
      self->waiting_sinks = g_list_delete_link (self->waiting_sinks, l);
      return pad;
    }
  }
  return NULL;
}

/* pad-added of a client (connected after the application's handlers) */
static void
child_pad_added (GstElement * child, GstPad * pad, GstLibp2pListener * self)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *name = NULL, *sink_name = NULL;
  GstPadTemplate *templ;
  GstPad *ghost, *waiting;
  Exposed *e;
  gint m, n;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || gst_pad_is_linked (pad) ||
      (key = src_key (GST_PAD_NAME (pad), &m)) == NULL)
    return;
  g_mutex_lock (&self->lock);
  n = GPOINTER_TO_INT (g_hash_table_lookup (self->key_next, key));
  g_hash_table_insert (self->key_next, g_strdup (key),
      GINT_TO_POINTER (n + 1));
  name = g_strdup_printf ("src_%s_%d", key, n);
  sink_name = g_strdup_printf ("sink_%s_%d", key, n);
  e = g_new0 (Exposed, 1);
  e->child = gst_object_ref (child);
  e->child_sink = g_strdup_printf ("sink_%s_%d", key, m);
  g_hash_table_insert (self->exposed, g_strdup (sink_name), e);
  waiting = take_waiting_locked (self, sink_name);
  g_mutex_unlock (&self->lock);

  templ = gst_static_pad_template_get (&listen_src_template);
  ghost = gst_ghost_pad_new_from_template (name, pad, templ);
  gst_object_unref (templ);
  g_object_set_data (G_OBJECT (ghost), "libp2p-client", child);
  g_object_set_data_full (G_OBJECT (pad), "libp2p-listener-ghost",
      gst_object_ref (ghost), gst_object_unref);
  gst_pad_set_active (ghost, TRUE);
  GST_INFO_OBJECT (self, "%s is %s of %s", name, GST_PAD_NAME (pad),
      GST_ELEMENT_NAME (child));
  gst_element_add_pad (GST_ELEMENT (self), ghost);
  if (waiting)
    sink_bind (self, waiting, child, e->child_sink);
}

/* Whoever takes the exposure out of the table (the client's pad-removed
 * or its removal from the listener) removes the pad. */
static void
remove_ghost (GstLibp2pListener * self, GstPad * ghost)
{
  g_autofree gchar *key = NULL;
  g_autofree gchar *sink_name = NULL;
  gboolean mine;
  gint n;

  if ((key = src_key (GST_PAD_NAME (ghost), &n)) == NULL)
    return;
  sink_name = g_strdup_printf ("sink_%s_%d", key, n);
  g_mutex_lock (&self->lock);
  mine = g_hash_table_remove (self->exposed, sink_name);
  g_mutex_unlock (&self->lock);
  if (!mine)
    return;
  gst_pad_set_active (ghost, FALSE);
  gst_element_remove_pad (GST_ELEMENT (self), ghost);
}

/* pad-removed of a client: its exposed pad goes too */
static void
child_pad_removed (GstElement * child, GstPad * pad, GstLibp2pListener * self)
{
  GstPad *ghost = g_object_steal_data (G_OBJECT (pad),
      "libp2p-listener-ghost");

  if (ghost == NULL)
    return;
  remove_ghost (self, ghost);
  gst_object_unref (ghost);
}

void
listener_pads_watch (GstLibp2pListener * self, GstElement * child)
{
  g_signal_connect_after (child, "pad-added", G_CALLBACK (child_pad_added),
      self);
  g_signal_connect (child, "pad-removed", G_CALLBACK (child_pad_removed),
      self);
}

/* After a client was stopped: any pad of it still exposed goes. */
void
listener_pads_client_gone (GstLibp2pListener * self, GstElement * child)
{
  GList *pads = NULL, *l;
  GstIterator *it = gst_element_iterate_src_pads (GST_ELEMENT (self));
  GValue v = G_VALUE_INIT;

  g_signal_handlers_disconnect_by_data (child, self);
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstPad *ghost = g_value_get_object (&v);

    if (g_object_get_data (G_OBJECT (ghost), "libp2p-client") == child)
      pads = g_list_prepend (pads, gst_object_ref (ghost));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  for (l = pads; l; l = l->next)
    remove_ghost (self, l->data);
  g_list_free_full (pads, gst_object_unref);
}

/* ---- request and release ---- */

static GstPad *
request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (element);
  g_autofree gchar *key = NULL;
  g_autofree gchar *child_sink = NULL;
  g_autoptr (GstElement) child = NULL;
  ListenSink *ls;
  Exposed *e;
  GstPad *pad;
  gint n;

  if (!bin_request_name_ok (element, name, &key, &n))
    return NULL;
  pad = gst_pad_new_from_template (templ, name);
  ls = g_new0 (ListenSink, 1);
  ls->relay = gst_object_ref_sink (gst_pad_new ("relay", GST_PAD_SRC));
  g_cond_init (&ls->cond);
  g_object_set_qdata_full (G_OBJECT (pad), sink_quark, ls, listen_sink_free);
  gst_pad_set_chain_function (pad, sink_chain);
  gst_pad_set_event_function (pad, sink_event);
  gst_pad_set_activatemode_function (pad, sink_activate_mode);
  gst_pad_set_active (ls->relay, TRUE);

  g_mutex_lock (&self->lock);
  e = g_hash_table_lookup (self->exposed, name);
  if (e) {
    child = gst_object_ref (e->child);
    child_sink = g_strdup (e->child_sink);
  } else if (n < GPOINTER_TO_INT (g_hash_table_lookup
          (self->key_next, key))) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "%s: that substream has ended", name);
    gst_object_unref (gst_object_ref_sink (pad));
    return NULL;
  } else {
    self->waiting_sinks = g_list_prepend (self->waiting_sinks, pad);
  }
  g_mutex_unlock (&self->lock);
  gst_element_add_pad (element, pad);
  if (child)
    sink_bind (self, pad, child, child_sink);
  return pad;
}

static void
release_pad (GstElement * element, GstPad * pad)
{
  GstLibp2pListener *self = GST_LIBP2P_LISTENER (element);
  ListenSink *ls = listen_sink (pad);
  GstElement *child;
  GstPad *cp;

  g_mutex_lock (&self->lock);
  self->waiting_sinks = g_list_remove (self->waiting_sinks, pad);
  child = ls->child ? gst_object_ref (ls->child) : NULL;
  cp = ls->child_pad ? gst_object_ref (ls->child_pad) : NULL;
  g_mutex_unlock (&self->lock);
  if (cp) {
    gst_pad_unlink (ls->relay, cp);
    if (GST_OBJECT_PARENT (cp) == GST_OBJECT (child))
      gst_element_release_request_pad (child, cp);
    gst_object_unref (cp);
  }
  gst_clear_object (&child);
  gst_element_remove_pad (element, pad);
}

/* ---- the listener ---- */

/* Substreams are numbered for the listener's life (a removal that runs
 * after a restart never meets a new pad of its name). */
void
listener_pads_init (GstLibp2pListener * self)
{
  self->key_next = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  self->exposed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      exposed_free);
}

void
listener_pads_finalize (GstLibp2pListener * self)
{
  g_hash_table_unref (self->key_next);
  g_hash_table_unref (self->exposed);
  g_list_free (self->waiting_sinks);
}

void
listener_pads_class_init (GstElementClass * element_class)
{
  sink_quark = g_quark_from_static_string ("libp2p-listener-sink");
  gst_element_class_add_static_pad_template (element_class,
      &listen_src_template);
  gst_element_class_add_static_pad_template (element_class,
      &listen_sink_template);
  element_class->request_new_pad = request_new_pad;
  element_class->release_pad = release_pad;
}
