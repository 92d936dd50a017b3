from urbis.awards.sdg_suggest import suggest


def test_suggests_water_for_a_sanitation_text():
    text = "The city extended safe drinking water and sanitation to informal settlements, with new toilets."
    assert suggest(text)[0] == 6


def test_suggests_climate_and_energy_for_a_solar_text():
    text = "Rooftop solar panels cut greenhouse gas emissions and electricity bills for public buildings."
    assert set(suggest(text)[:3]) >= {7, 13}


def test_too_short_text_gets_no_suggestion():
    assert suggest("hello") == []
