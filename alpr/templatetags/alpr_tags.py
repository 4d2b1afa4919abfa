from django import template

from alpr.images import image_url

register = template.Library()


@register.simple_tag(takes_context=True)
def read_image(context, read, kind="crop"):
    """A signed URL for a read's image, for the signed-in user (see alpr/images.py)."""
    if read is None or not getattr(read, kind):
        return ""
    return image_url(read=read, kind=kind, user=context["request"].user)


@register.filter
def box_style(read):
    """CSS that places the plate box over the frame, in percent of the frame size."""
    box, w, h = read.plate_box, read.frame_width, read.frame_height
    if not box or not w or not h:
        return ""
    x, y, bw, bh = box
    return f"left:{100 * x / w:.2f}%;top:{100 * y / h:.2f}%;width:{100 * bw / w:.2f}%;height:{100 * bh / h:.2f}%"
