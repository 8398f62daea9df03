/* gst-libp2p: the stream-id reuse guard's own structures, shared by
 * gstlibp2preuse.c (held streams) and gstlibp2preuse-resets.c (our
 * resets, read from sctpenc's packets) */
#ifndef __GST_LIBP2P_REUSE_PRIV_H__
#define __GST_LIBP2P_REUSE_PRIV_H__

#include "gstlibp2preuse.h"

#include "sctp.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (libp2p_reuse_debug);

#define REUSE_WAIT_S 10
#define POLL_MS 10
/* usrsctp sends a deferred reset once the outstanding one is answered: a
 * round trip, or a retransmission timeout (RFC 4960 RTO.Initial 3 s). */
#define RESET_WAIT_MS 3000
/* sctpenc removes a stream's request pad right after asking for its
 * reset: a new channel on the id links a pad of that name */
#define PAD_WAIT_MS 1000
/* a channel creation under way when the remote ends the association */
#define CREATING_WAIT_MS 500

struct _GstLibp2pReuseGuard
{
  gint ref;
  GMutex lock;
  GCond cond;
  GstElement *sctpdec;          /* watched, or NULL */
  gulong sig, sig_after;         /* before and after webrtcbin's */
  gboolean stopped;
  gboolean blocked;             /* sctpdec's pad-added handlers */
  gboolean ending;              /* an ABORT or SHUTDOWN went either way */
  guint creating;               /* our channels being created now */
  GstPad *dec_sink;             /* sctpdec's sink pad, watched */
  gulong dec_probe;
  GHashTable *live;             /* id -> Live* */
  GHashTable *held;             /* id -> Held* */
  /* our resets (sctpenc's packets) */
  GstPad *enc_src;              /* sctpenc's src pad, watched, or NULL */
  gulong enc_probe;
  GHashTable *resets;           /* id -> resets of it seen (guint) */
  guint resets_all;             /* resets of every stream seen */
  guint32 last_sn;              /* of the last request seen */
  gboolean have_sn;
  GHashTable *pending;          /* id -> closed at (gint64 us), not reset */
  GHashTable *releasing;        /* ids reset: sctpenc may still have a pad */
  gint our_parity;              /* of the ids of our channels; -1: unknown */
};

/* A data channel webrtcbin knows by its id. */
typedef struct
{
  gpointer token;
  gboolean padded;              /* sctpdec gave it its pad */
  guint born;                   /* resets of its id seen before it lived */
} Live;

/* A new stream waiting for its id's old channel. */
typedef struct
{
  gint ref;
  GstLibp2pReuseGuard *g;       /* a reference */
  GstPad *pad;                  /* a reference */
  guint id;
  gulong probe;
  gboolean waiting;             /* its link to the old channel is undone */
  gboolean old_closed;          /* the old channel is CLOSED */
  gint64 until;
  gboolean fresh;               /* webrtcbin made it a new channel: the
                                 * old one had left its lists already */
  gboolean go;                  /* linked to its new channel: pass */
  gboolean drop;                /* given up: drop */
} Held;

GstLibp2pReuseGuard *reuse_guard_ref (GstLibp2pReuseGuard * g);
/* gstlibp2preuse.c */
Held *reuse_release_locked (GstLibp2pReuseGuard * g, guint id);
void reuse_wait_enc_pad_gone (GstLibp2pReuseGuard * g, guint id);
void reuse_redispatch (GstLibp2pReuseGuard * g, Held * hd);
void reuse_redispatch_async (GstElement * sctpdec, gpointer hd);
/* gstlibp2preuse-resets.c */
guint reuse_resets_of_locked (GstLibp2pReuseGuard * g, guint id);
gboolean reuse_pending_locked (GstLibp2pReuseGuard * g, guint id);
GstPadProbeReturn reuse_dec_probe (GstPad * pad, GstPadProbeInfo * info,
    gpointer data);
gboolean reuse_attach_enc (GstLibp2pReuseGuard * g, GstElement * sctpenc);

G_END_DECLS

#endif
