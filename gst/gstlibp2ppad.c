/* gst-libp2p: the pads of libp2pwebrtcbin
 *
 * A plain GstPad with read-only properties that tell the application which
 * substream it carries: the negotiated protocol, who opened it, the data
 * channel id and the element-wide substream id used in signals and bus
 * messages. */
#include "gstlibp2ppad.h"
#include "gstlibp2pconnection.h"

enum
{
  PROP_0,
  PROP_PROTOCOL,
  PROP_DIRECTION,
  PROP_CHANNEL_ID,
  PROP_SUBSTREAM_ID,
};

GType
gst_libp2p_direction_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_LIBP2P_DIRECTION_INBOUND, "The remote peer opened the substream",
        "inbound"},
    {GST_LIBP2P_DIRECTION_OUTBOUND, "This element opened the substream",
        "outbound"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstLibp2pDirection", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ---- pad names: the key of a protocol ---- */

/* "/ipfs/ping/1.0.0" -> "ipfs-ping-1-0-0" (DESIGN.md, Element interface). */
gchar *
gst_libp2p_protocol_key (const gchar * protocol)
{
  gchar *key = g_strdup (protocol[0] == '/' ? protocol + 1 : protocol);
  gchar *c;

  for (c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      *c = '-';
  return key;
}

gboolean
gst_libp2p_key_is_valid (const gchar * key)
{
  const gchar *c;

  if (key == NULL || *key == 0)
    return FALSE;
  for (c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-')
      return FALSE;
  return TRUE;
}

G_DEFINE_TYPE (GstLibp2pPad, gst_libp2p_pad, GST_TYPE_PAD);

void
gst_libp2p_pad_set_info (GstLibp2pPad * pad, const gchar * protocol,
    GstLibp2pDirection direction, gint channel_id, guint substream_id)
{
  GST_OBJECT_LOCK (pad);
  g_free (pad->protocol);
  pad->protocol = g_strdup (protocol);
  pad->direction = direction;
  pad->channel_id = channel_id;
  pad->substream_id = substream_id;
  GST_OBJECT_UNLOCK (pad);
}

static void
gst_libp2p_pad_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstLibp2pPad *pad = GST_LIBP2P_PAD (object);

  GST_OBJECT_LOCK (pad);
  switch (prop_id) {
    case PROP_PROTOCOL:
      g_value_set_string (value, pad->protocol);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, pad->direction);
      break;
    case PROP_CHANNEL_ID:
      g_value_set_int (value, pad->channel_id);
      break;
    case PROP_SUBSTREAM_ID:
      g_value_set_uint (value, pad->substream_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (pad);
}

static void
gst_libp2p_pad_finalize (GObject * object)
{
  GstLibp2pPad *pad = GST_LIBP2P_PAD (object);

  g_free (pad->protocol);
  if (pad->connection)
    gst_libp2p_connection_unref (pad->connection);
  g_cond_clear (&pad->cond);
  G_OBJECT_CLASS (gst_libp2p_pad_parent_class)->finalize (object);
}

static void
gst_libp2p_pad_class_init (GstLibp2pPadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->get_property = gst_libp2p_pad_get_property;
  gobject_class->finalize = gst_libp2p_pad_finalize;

  g_object_class_install_property (gobject_class, PROP_PROTOCOL,
      g_param_spec_string ("protocol", "Protocol",
          "The multistream-select protocol id this substream negotiated "
          "(NULL while a requested sink pad waits for its substream)", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_DIRECTION,
      g_param_spec_enum ("substream-direction", "Substream direction",
          "Who opened the substream: inbound (the remote) or outbound (this "
          "element)", GST_TYPE_LIBP2P_DIRECTION,
          GST_LIBP2P_DIRECTION_OUTBOUND,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_CHANNEL_ID,
      g_param_spec_int ("channel-id", "Channel id",
          "SCTP stream id of the substream's data channel (-1 until known)",
          -1, 65535, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SUBSTREAM_ID,
      g_param_spec_uint ("substream-id", "Substream id",
          "The element's id of the substream, as in its signals and bus "
          "messages (0 while a requested sink pad waits)", 0, G_MAXUINT, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
gst_libp2p_pad_init (GstLibp2pPad * pad)
{
  pad->channel_id = -1;
  g_cond_init (&pad->cond);
  pad->direction = GST_LIBP2P_DIRECTION_OUTBOUND;
}
