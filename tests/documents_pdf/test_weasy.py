import io
import threading

from pypdf import PdfReader

from documents_pdf import weasy


def test_one_fetcher_and_font_configuration_per_thread():
    here = (weasy.shared_url_fetcher(), weasy.shared_font_config())
    assert here == (weasy.shared_url_fetcher(), weasy.shared_font_config())
    there = []
    thread = threading.Thread(
        target=lambda: there.append(
            (weasy.shared_url_fetcher(), weasy.shared_font_config())
        )
    )
    thread.start()
    thread.join()
    assert there[0][0] is not here[0]
    assert there[0][1] is not here[1]


def test_the_pdf_is_tagged_and_keeps_its_text_across_renders():
    html = (
        '<!doctype html><html lang="sl"><head><meta charset="utf-8">'
        "<title>Odločba</title></head><body><h1>Odločba št. {n}</h1>"
        "<table><tr><th>Točke</th><td>{n}55</td></tr></table></body></html>"
    )
    for n in (1, 2):
        reader = PdfReader(io.BytesIO(weasy.write_tagged_pdf(html.format(n=n))))
        text = reader.pages[0].extract_text()
        assert f"Odločba št. {n}" in text
        assert f"{n}55" in text
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        assert reader.metadata.title == "Odločba"
