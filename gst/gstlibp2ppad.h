/* gst-libp2p: the pads of libp2pwebrtcbin, one pair per substream */
#ifndef __GST_LIBP2P_PAD_H__
#define __GST_LIBP2P_PAD_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  GST_LIBP2P_DIRECTION_INBOUND,         /* the remote opened the substream */
  GST_LIBP2P_DIRECTION_OUTBOUND,        /* we opened it */
} GstLibp2pDirection;

#define GST_TYPE_LIBP2P_DIRECTION (gst_libp2p_direction_get_type ())
GType gst_libp2p_direction_get_type (void);

#define GST_TYPE_LIBP2P_PAD (gst_libp2p_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstLibp2pPad, gst_libp2p_pad, GST, LIBP2P_PAD, GstPad)

struct _GstLibp2pPad
{
  GstPad parent;

  /* Set by the element under its lock; read through the properties. */
  gchar *protocol;
  GstLibp2pDirection direction;
  gint channel_id;
  guint substream_id;
  /* The connection's substream (opaque here), under the connection's lock;
   * the connection that binds the pad (a reference, under the object
   * lock); a requested sink pad waits on @cond to be bound. */
  gpointer substream;
  gpointer connection;
  GCond cond;
  /* a sink pad whose substream ended and left it (under the connection's
   * lock): what a chain gets from now on instead of waiting */
  gboolean unbound;
  GstFlowReturn end_flow;
};

void gst_libp2p_pad_set_info (GstLibp2pPad * pad, const gchar * protocol,
    GstLibp2pDirection direction, gint channel_id, guint substream_id);

G_END_DECLS

#endif
