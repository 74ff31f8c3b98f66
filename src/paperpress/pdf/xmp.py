"""XMP metadata packets for PDF/X and PDF/A: written by hand, deterministic, checked with pikepdf in tests."""

from __future__ import annotations


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would pull in urllib and http at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def packet(*, title: str, subject: str, keywords: str, creator_tool: str, producer: str, date: str,
           document_id: str, instance_id: str, pdfx: str | None = None, pdfa: tuple[int, str] | None = None,
           extra: dict[str, str] | None = None) -> bytes:
    """An XMP packet; date is ISO 8601 with offset; ids are uuid: URNs."""
    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    props = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt(title)}</dc:title>",
    ]
    if subject:
        props.append(f"<dc:description>{alt(subject)}</dc:description>")
    props += [
        f"<xmp:CreateDate>{date}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{date}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>",
        f"<xmp:CreatorTool>{escape(creator_tool)}</xmp:CreatorTool>",
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>",
        "<pdf:Trapped>False</pdf:Trapped>",
        f"<xmpMM:DocumentID>{document_id}</xmpMM:DocumentID>",
        f"<xmpMM:InstanceID>{instance_id}</xmpMM:InstanceID>",
        "<xmpMM:VersionID>1</xmpMM:VersionID>",
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
    ]
    if keywords:
        props.append(f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>")
    if pdfx:
        props.append(f"<pdfxid:GTS_PDFXVersion>{pdfx}</pdfxid:GTS_PDFXVersion>")
    if pdfa:
        props.append(f"<pdfaid:part>{pdfa[0]}</pdfaid:part><pdfaid:conformance>{pdfa[1]}</pdfaid:conformance>")
    for key, value in (extra or {}).items():
        props.append(f"<{key}>{escape(value)}</{key}>")
    body = "\n   ".join(props)
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   {body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")
