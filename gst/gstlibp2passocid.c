/* gst-libp2p: an SCTP association id of its own for each webrtcbin
 *
 * sctpenc and sctpdec find their usrsctp association by an id, in one
 * table per process (sctpassociation.c, gst_sctp_association_get), and
 * webrtcbin 1.22 .. 1.26 gives each SCTP transport a random id in
 * [0, 65535) (webrtcsctptransport.c).  When two webrtcbins of one process
 * draw the same id, the second's sctpenc and sctpdec fail READY->PAUSED
 * ("Association already in use!"): that connection never carries a data
 * channel; and 1.22's sctpenc starts its src task although the change
 * failed, nothing stops it, and finalizing the element joins it for good
 * (the process cannot exit).  With n connections alive at once the chance
 * is about n^2 / 131070: a listener with 20 clients, 0.3 %; each new
 * client beside 100 others, 0.15 %.  Seen as a listener client that never
 * became ready and a listener line that hung at exit.  GStreamer 1.27.1
 * (4e4f8b7a, "webrtc: fix hangup when duplicate sctp association IDs
 * chosen") has sctpdec take a free id ("automatic-association-id").
 *
 * Here: each of our webrtcbins gets, when webrtcbin adds its sctpdec and
 * sctpenc (locked, in NULL, before their READY->PAUSED looks the
 * association up), an id no other of ours holds, from a process-wide set;
 * the id goes back to the set when both elements are finalized (their
 * association is gone then).  Ids are handed out in turn from
 * FIRST_ID, so a test can tell them from webrtcbin's own.  A webrtcbin
 * that is not ours (the application's) still draws at random and may
 * meet one of ours: the chance per pair stays 1 in 65,535. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlibp2passocid.h"
#include "gstlibp2putil.h"

GST_DEBUG_CATEGORY_STATIC (libp2p_assoc_debug);
#define GST_CAT_DEFAULT libp2p_assoc_debug

#define N_IDS 65536             /* sctpdec's range: 0 .. 65535 */
#define FIRST_ID 50000

/* the process's ids held by our webrtcbins */
static GMutex ids_lock;
static guint8 ids_used[N_IDS / 8];
static guint ids_held, ids_next = FIRST_ID;

/* An id and who holds it: the webrtcbin's GstLibp2pAssocId and each of
 * its two elements until finalized. */
typedef struct
{
  guint id;
  gint holders;
} Held;

struct _GstLibp2pAssocId
{
  GMutex lock;
  Held *held;                   /* once the first element took an id */
  guint attached;               /* elements given the id: 2 at most */
};

static gboolean
id_take (guint * id)
{
  guint i;

  g_mutex_lock (&ids_lock);
  for (i = 0; i < N_IDS; i++) {
    guint c = (ids_next + i) % N_IDS;

    if (!(ids_used[c / 8] & (1u << (c % 8)))) {
      ids_used[c / 8] |= 1u << (c % 8);
      ids_next = (c + 1) % N_IDS;
      ids_held++;
      g_mutex_unlock (&ids_lock);
      *id = c;
      return TRUE;
    }
  }
  g_mutex_unlock (&ids_lock);
  return FALSE;
}

static void
held_unref (Held * held)
{
  if (!g_atomic_int_dec_and_test (&held->holders))
    return;
  g_mutex_lock (&ids_lock);
  ids_used[held->id / 8] &= ~(1u << (held->id % 8));
  ids_held--;
  g_mutex_unlock (&ids_lock);
  GST_DEBUG ("association id %u free again", held->id);
  g_free (held);
}

static void
element_gone (gpointer data, GObject * where_the_object_was)
{
  held_unref (data);
}

guint
gst_libp2p_assoc_ids_held (void)
{
  guint n;

  g_mutex_lock (&ids_lock);
  n = ids_held;
  g_mutex_unlock (&ids_lock);
  return n;
}

GstLibp2pAssocId *
gst_libp2p_assoc_id_new (void)
{
  GstLibp2pAssocId *a = g_new0 (GstLibp2pAssocId, 1);

  if (libp2p_assoc_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (libp2p_assoc_debug, "libp2passoc", 0,
        "libp2p: SCTP association ids");
  g_mutex_init (&a->lock);
  return a;
}

/* sctpdec takes a free id itself (1.27.1 and later): webrtcbin then gives
 * sctpenc that id, and we must set neither.  Asked of sctpdec's class,
 * also when @element is the sctpenc. */
static gboolean
sctpdec_picks_itself (void)
{
  static gsize picks = 0;

  if (g_once_init_enter (&picks)) {
    GstElementFactory *f = gst_element_factory_find ("sctpdec");
    GType t = f ? gst_element_factory_get_element_type (f) : G_TYPE_INVALID;
    gpointer klass = t ? g_type_class_ref (t) : NULL;

    g_once_init_leave (&picks, klass && g_object_class_find_property (klass,
            "automatic-association-id") ? 2 : 1);
    if (klass)
      g_type_class_unref (klass);
    if (f)
      gst_object_unref (f);
  }
  return picks == 2;
}

gboolean
gst_libp2p_assoc_id_attach (GstLibp2pAssocId * a, GstElement * element)
{
  Held *held;
  guint id;

  if ((!gst_libp2p_is_factory (element, "sctpdec")
          && !gst_libp2p_is_factory (element, "sctpenc"))
      || sctpdec_picks_itself ())
    return FALSE;
  g_mutex_lock (&a->lock);
  if (a->attached >= 2) {
    g_mutex_unlock (&a->lock);
    return FALSE;
  }
  if (a->held == NULL) {
    if (!id_take (&id)) {
      g_mutex_unlock (&a->lock);
      GST_WARNING ("all 65,536 SCTP association ids are held: %s keeps "
          "webrtcbin's", GST_ELEMENT_NAME (element));
      return FALSE;
    }
    a->held = g_new0 (Held, 1);
    a->held->id = id;
    a->held->holders = 1;
  }
  held = a->held;
  a->attached++;
  g_atomic_int_inc (&held->holders);
  g_mutex_unlock (&a->lock);
  g_object_set (element, "sctp-association-id", held->id, NULL);
  g_object_weak_ref (G_OBJECT (element), element_gone, held);
  GST_DEBUG_OBJECT (element, "association id %u", held->id);
  return TRUE;
}

void
gst_libp2p_assoc_id_free (GstLibp2pAssocId * a)
{
  if (a->held)
    held_unref (a->held);
  g_mutex_clear (&a->lock);
  g_free (a);
}
