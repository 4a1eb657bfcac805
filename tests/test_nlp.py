from jdclassify.nlp import build_nlp


def test_a_blank_pipeline_tokenises_and_has_no_statistical_components():
    nlp = build_nlp()
    assert nlp.pipe_names == [] and [t.text for t in nlp.make_doc("Python, SQL and C++.")][:3] == ["Python", ",", "SQL"]
