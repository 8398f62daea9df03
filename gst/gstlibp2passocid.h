/* gst-libp2p: an SCTP association id of its own for each webrtcbin of the
 * process (see the .c) */
#ifndef __GST_LIBP2P_ASSOC_ID_H__
#define __GST_LIBP2P_ASSOC_ID_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstLibp2pAssocId GstLibp2pAssocId;

/* One per webrtcbin. */
GstLibp2pAssocId *gst_libp2p_assoc_id_new (void);
/* Gives @element, when it is the webrtcbin's sctpdec or sctpenc (just
 * added, still in NULL), the webrtcbin's id: the first of the two takes a
 * free one.  FALSE for anything else, or where sctpdec picks a free id
 * itself (GStreamer 1.27.1 and later: "automatic-association-id"). */
gboolean gst_libp2p_assoc_id_attach (GstLibp2pAssocId * a,
    GstElement * element);
void gst_libp2p_assoc_id_free (GstLibp2pAssocId * a);

/* The number of ids held in the process (tests). */
guint gst_libp2p_assoc_ids_held (void);

G_END_DECLS

#endif
