"""XMP metadata packets for PDF/X and PDF/A: written by hand, deterministic, checked with pikepdf in tests."""

from __future__ import annotations


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would pull in urllib and http at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


OWN_NS = "https://paperpress.invalid/ns/issue/1.0/"  # our own schema: the issue a file carries
OWN_PROPS = {  # property → description (PDF/A needs every non-standard property described in the packet)
    "paper": "the newspaper's name",
    "date": "the issue's date, yyyy-mm-dd",
    "number": "the issue number as printed",
    "pages": "the printed page numbers, comma-separated",
    "articles": "the articles in reading order: title / byline, one per line",
}


def _extension_schema(own: dict[str, str]) -> str:
    """The PDF/A extension schema description of our own properties (ISO 19005-1 6.7.8, kept in part 2)."""
    props = "".join(
        "<rdf:li rdf:parseType=\"Resource\">"
        f"<pdfaProperty:name>{key}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(OWN_PROPS.get(key, key))}</pdfaProperty:description></rdf:li>"
        for key in own)
    return ("<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
            "<pdfaSchema:schema>paperpress issue</pdfaSchema:schema>"
            f"<pdfaSchema:namespaceURI>{OWN_NS}</pdfaSchema:namespaceURI><pdfaSchema:prefix>pp</pdfaSchema:prefix>"
            f"<pdfaSchema:property><rdf:Seq>{props}</rdf:Seq></pdfaSchema:property>"
            "</rdf:li></rdf:Bag></pdfaExtension:schemas>")


def packet(*, title: str, subject: str, keywords: str, creator_tool: str, producer: str, date: str,
           document_id: str, instance_id: str, pdfx: str | None = None, pdfa: tuple[int, str] | None = None,
           extra: dict[str, str] | None = None, creator: str = "", language: str = "",
           own: dict[str, str] | None = None) -> bytes:
    """An XMP packet; date is ISO 8601 with offset; ids are uuid: URNs."""
    def alt(text: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'

    props = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt(title)}</dc:title>",
    ]
    if creator:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(creator)}</rdf:li></rdf:Seq></dc:creator>")
    if language:
        props.append(f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>")
    if pdfa:
        props.append(f"<dc:date><rdf:Seq><rdf:li>{date}</rdf:li></rdf:Seq></dc:date>")
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
    if own:
        props += [f"<pp:{key}>{escape(value)}</pp:{key}>" for key, value in own.items()]
        props.append(_extension_schema(own))
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
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pp="{OWN_NS}"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   {body}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")
