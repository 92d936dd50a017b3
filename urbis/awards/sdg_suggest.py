"""SDG suggestions for a text, run locally: keyword rules plus TF-IDF similarity to descriptions of the
17 goals (written here from the goals' official targets). Nothing is downloaded; nothing is trained on
the benchmark that bench/sdg_suggestions.py measures it on."""

from __future__ import annotations

import re
from functools import lru_cache

# Each goal: a description paraphrasing its targets, and keyword stems that count as strong evidence.
GOALS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("End poverty in all its forms everywhere. Eradicate extreme poverty, people living on less than a dollar a "
        "day, poor households and the poor, income poverty, deprivation and vulnerability. Social protection systems "
        "and floors, social safety nets, cash transfers, pensions, welfare, basic services for the poor, ownership "
        "and control over land and property, microfinance, economic resources, resilience of the poor to disasters "
        "and economic shocks, low-income families, homelessness, slums, destitution, inequality of income, "
        "poverty reduction strategies, poverty line, poverty rate, unemployment benefits, the vulnerable poor.",
        ("poverty", "poor ", "the poor", "low-income", "low income", "social protection", "safety net",
         "cash transfer", "destitut", "impoverish", "deprivation", "welfare", "homeless", "poverty line")),
    2: ("End hunger, achieve food security and improved nutrition and promote sustainable agriculture. Access to "
        "safe, nutritious and sufficient food, undernourishment, malnutrition, stunting and wasting in children, "
        "agricultural productivity and incomes of small-scale food producers, farmers, pastoralists, fishers, "
        "family farming, crops, harvest, yields, seeds, livestock, cultivated plants, agricultural research, "
        "food prices, food markets, food reserves, irrigation for farming, rural development, famine, diets, "
        "calories, cereals, rice, wheat, maize, fertiliser, urban agriculture, food banks and food waste.",
        ("hunger", "food security", "food insecurity", "nutrition", "malnutrition", "undernourish", "agricultur",
         "farmer", "farming", "crop", "harvest", "famine", "stunting", "livestock", "food production", "calorie",
         "smallholder", "cereal", "yield")),
    3: ("Ensure healthy lives and promote well-being for all at all ages. Maternal mortality, newborn and child "
        "deaths, epidemics of AIDS, HIV, tuberculosis, malaria, neglected tropical diseases, hepatitis, "
        "communicable and non-communicable diseases, cancer, diabetes, cardiovascular disease, mental health, "
        "suicide, substance abuse, narcotic drugs, alcohol, tobacco, road traffic deaths and injuries, sexual and "
        "reproductive health care, family planning, universal health coverage, essential medicines and vaccines, "
        "hospitals, clinics, doctors, nurses, health workers, patients, health systems, pandemics, COVID-19, "
        "air pollution illness, mortality, life expectancy, healthcare, treatment, disease prevention.",
        ("health", "disease", "mortality", "hiv", "aids", "malaria", "tuberculosis", "vaccin", "hospital",
         "patient", "medical", "medicine", "epidemic", "pandemic", "covid", "clinic", "maternal", "illness",
         "mental health", "nurse", "doctor", "tobacco", "infection", "life expectancy")),
    4: ("Ensure inclusive and equitable quality education and promote lifelong learning opportunities for all. "
        "Free primary and secondary schooling, early childhood development and pre-primary education, technical, "
        "vocational and tertiary education including university, skills for employment and entrepreneurship, "
        "literacy and numeracy, youth and adults, education for sustainable development, school facilities, "
        "scholarships, qualified teachers and teacher training, students, pupils, classrooms, curriculum, "
        "enrolment, learning outcomes, dropout, educational attainment.",
        ("education", "school", "student", "pupil", "teacher", "learning", "literacy", "university", "curricul",
         "classroom", "enrol", "schooling", "vocational training", "scholarship", "tuition")),
    5: ("Achieve gender equality and empower all women and girls. End discrimination against women and girls, "
        "eliminate violence against women, trafficking, sexual exploitation, child, early and forced marriage, "
        "female genital mutilation, unpaid care and domestic work, women's full participation and equal "
        "opportunities for leadership in political, economic and public life, sexual and reproductive rights, "
        "women's rights to economic resources, land ownership and inheritance, empowerment of women, gender "
        "gap, gender wage gap, maternity, female labour force, feminism, patriarchy, gender-based violence.",
        ("gender", "women", "woman", "girl", "female", "feminis", "maternity", "domestic violence", "patriarch",
         "gender-based", "sexism", "wives", "mothers")),
    6: ("Ensure availability and sustainable management of water and sanitation for all. Safe and affordable "
        "drinking water, adequate sanitation and hygiene, open defecation, water quality, pollution, untreated "
        "wastewater, recycling and safe reuse, water-use efficiency, freshwater withdrawals, water scarcity, "
        "integrated water resources management, transboundary cooperation, water-related ecosystems, "
        "mountains, forests, wetlands, rivers, aquifers and lakes, water harvesting, desalination, groundwater, "
        "toilets, sewage, water supply, basins, drought and irrigation water.",
        ("water", "sanitation", "hygiene", "wastewater", "sewage", "drinking", "toilet", "aquifer", "groundwater",
         "freshwater", "river basin", "desalin", "wash ")),
    7: ("Ensure access to affordable, reliable, sustainable and modern energy for all. Electricity access, "
        "clean cooking fuels, renewable energy share in the energy mix, solar, wind, hydropower, geothermal, "
        "bioenergy, energy efficiency, energy intensity, clean energy research and technology, energy "
        "infrastructure, power grids, power plants, fossil fuels, oil, gas, coal, electricity prices, energy "
        "consumption, energy security, photovoltaic, batteries, megawatts, kilowatt hours, electrification.",
        ("energy", "electricity", "renewable", "solar", "wind power", "photovoltaic", "fossil fuel", "power plant",
         "electrif", "fuel", "coal", "kwh", "megawatt", "hydropower", "grid", "oil and gas")),
    8: ("Promote sustained, inclusive and sustainable economic growth, full and productive employment and decent "
        "work for all. GDP per capita growth, economic productivity through diversification, technological "
        "upgrading and innovation, job creation, entrepreneurship, small and medium-sized enterprises, access to "
        "financial services, decoupling growth from environmental degradation, equal pay for work of equal "
        "value, youth unemployment, forced labour, modern slavery, child labour, labour rights, safe working "
        "environments, migrant workers, sustainable tourism, banking, insurance, trade, wages, workers, labour "
        "market, employment rate, economic development, recession, macroeconomic policy.",
        ("employment", "unemploy", "job", "labour", "labor", "worker", "wage", "economic growth", "gdp",
         "decent work", "tourism", "entrepreneur", "workforce", "productivity", "economy", "recession", "sme")),
    9: ("Build resilient infrastructure, promote inclusive and sustainable industrialization and foster "
        "innovation. Quality, reliable, sustainable and resilient infrastructure including regional and "
        "transborder infrastructure, roads, railways, ports, airports, transport infrastructure, manufacturing, "
        "industry share of employment and GDP, small-scale industrial enterprises access to credit and value "
        "chains, upgrade industries with clean technologies, scientific research, research and development, "
        "researchers, technological capabilities, innovation, internet access, information and communications "
        "technology, mobile network, broadband, digital infrastructure, industrial policy, patents, startups.",
        ("infrastructure", "industr", "innovation", "manufactur", "research and development", "r&d", "broadband",
         "internet", "technolog", "mobile network", "digital", "factory", "factories", "patent", "railway")),
    10: ("Reduce inequality within and among countries. Income growth of the bottom 40 per cent of the "
         "population, social, economic and political inclusion of all irrespective of age, sex, disability, "
         "race, ethnicity, origin, religion or economic status, equal opportunity, discrimination, fiscal, wage "
         "and social protection policies, regulation of global financial markets, representation of developing "
         "countries, orderly, safe and well-managed migration and mobility of people, migrants, refugees, "
         "remittances, special and differential treatment, development assistance, income inequality, Gini "
         "coefficient, marginalised groups, minorities, persons with disabilities, social exclusion.",
         ("inequalit", "inequit", "inclusion", "discriminat", "migrant", "migration", "refugee", "remittance",
          "disabilit", "marginali", "minorit", "gini", "exclusion", "racial", "ethnic", "disparit")),
    11: ("Make cities and human settlements inclusive, safe, resilient and sustainable. Adequate, safe and "
         "affordable housing and basic services, upgrade slums, safe, affordable, accessible and sustainable "
         "transport systems, public transport, road safety, inclusive and sustainable urbanization, participatory "
         "integrated urban planning and management, protect cultural and natural heritage, reduce deaths from "
         "disasters, environmental impact of cities, air quality, municipal waste management, green and public "
         "spaces, urban-rural links, urban development, metropolitan areas, neighbourhoods, mobility, cycling, "
         "buses, metro, land use, zoning, smart cities, local government, municipalities, mayors, urban regeneration.",
         ("city", "cities", "urban", "housing", "slum", "public transport", "settlement", "municipal", "metropol",
          "neighbourhood", "neighborhood", "public space", "heritage", "mobility", "zoning", "local government",
          "urbani", "town")),
    12: ("Ensure sustainable consumption and production patterns. Sustainable management and efficient use of "
         "natural resources, halve food waste and food loss, environmentally sound management of chemicals and "
         "all wastes throughout their life cycle, reduce waste generation through prevention, reduction, "
         "recycling and reuse, circular economy, corporate sustainability reporting, sustainable public "
         "procurement, lifestyles in harmony with nature, consumers, fossil-fuel subsidies, material footprint, "
         "domestic material consumption, resource efficiency, packaging, plastics, e-waste, eco-labels, "
         "supply chains, sustainable production, extended producer responsibility.",
         ("consumption", "recycl", "waste", "circular economy", "reuse", "material footprint", "procurement",
          "chemical", "sustainable production", "life cycle", "consumer", "packaging", "plastic", "resource efficiency")),
    13: ("Take urgent action to combat climate change and its impacts. Strengthen resilience and adaptive "
         "capacity to climate-related hazards and natural disasters, integrate climate change measures into "
         "national policies, strategies and planning, education and awareness on climate change mitigation, "
         "adaptation, impact reduction and early warning, greenhouse gas emissions, carbon dioxide, CO2, "
         "global warming, temperature rise, the Paris Agreement, UNFCCC, the Green Climate Fund, carbon pricing, "
         "low-carbon development, net zero, decarbonisation, extreme weather, floods, droughts, heatwaves, sea "
         "level rise, climate finance, carbon footprint.",
         ("climate", "greenhouse", "emission", "carbon", "co2", "global warming", "mitigation", "adaptation",
          "paris agreement", "unfccc", "decarbon", "net zero", "extreme weather", "warming")),
    14: ("Conserve and sustainably use the oceans, seas and marine resources. Prevent and reduce marine pollution "
         "from land-based activities, marine debris and nutrient pollution, protect marine and coastal "
         "ecosystems, ocean acidification, regulate harvesting and end overfishing, illegal, unreported and "
         "unregulated fishing, destructive fishing practices, fish stocks, marine protected areas, coastal areas, "
         "fisheries subsidies, small island developing states, aquaculture, coral reefs, mangroves, the law of "
         "the sea, UNCLOS, marine biodiversity, shipping, beaches, seafood.",
         ("ocean", "marine", "sea ", "seas", "fish", "coastal", "coral", "maritime", "aquaculture", "mangrove",
          "overfishing", "seafood", "coast", "shipping")),
    15: ("Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably manage forests, "
         "combat desertification, and halt and reverse land degradation and halt biodiversity loss. Conservation "
         "of inland freshwater ecosystems, forests, wetlands, mountains and drylands, deforestation, "
         "afforestation and reforestation, degraded land and soil, mountain ecosystems, natural habitats, "
         "threatened species, extinction, poaching and trafficking of protected species of flora and fauna, "
         "invasive alien species, ecosystem and biodiversity values, wildlife, protected areas, national parks, "
         "land use change, genetic resources, nature-based solutions, trees, green infrastructure, pollinators.",
         ("forest", "biodiversity", "ecosystem", "species", "desertif", "land degradation", "wildlife", "habitat",
          "deforest", "reforest", "poaching", "soil", "extinct", "flora", "fauna", "wetland", "tree")),
    16: ("Promote peaceful and inclusive societies for sustainable development, provide access to justice for "
         "all and build effective, accountable and inclusive institutions at all levels. Reduce all forms of "
         "violence and related death rates, end abuse, exploitation, trafficking and violence against and "
         "torture of children, rule of law, equal access to justice, illicit financial and arms flows, organized "
         "crime, corruption and bribery, effective, accountable and transparent institutions, responsive, "
         "inclusive, participatory and representative decision-making, legal identity and birth registration, "
         "public access to information, fundamental freedoms, human rights institutions, courts, police, "
         "prisons, conflict, war, armed violence, homicide, terrorism, governance, democracy, elections.",
         ("peace", "justice", "violence", "corruption", "bribery", "crime", "court", "police", "institution",
          "governance", "rule of law", "human rights", "conflict", "war ", "terroris", "homicide", "democra",
          "accountab", "transparen", "legal", "prison", "torture")),
    17: ("Strengthen the means of implementation and revitalize the Global Partnership for Sustainable "
         "Development. Domestic resource mobilization, tax and revenue collection, official development "
         "assistance commitments, foreign direct investment, debt sustainability, debt financing and debt "
         "relief, investment promotion for least developed countries, North-South, South-South and triangular "
         "regional and international cooperation on science, technology and innovation, technology transfer, "
         "capacity-building, a universal, rules-based, open, non-discriminatory and equitable multilateral "
         "trading system under the World Trade Organization, exports, tariffs, macroeconomic stability, policy "
         "coherence, multi-stakeholder partnerships, public-private partnerships, data, monitoring and "
         "accountability, statistical capacity, donors, aid, international cooperation.",
         ("partnership", "cooperation", "development assistance", "oda", "donor", "aid ", "debt", "trade",
          "tariff", "export", "foreign direct investment", "multilateral", "capacity-building", "capacity building",
          "tax", "statistic", "stakeholder")),
}

KEYWORD_WEIGHT = 0.04
_WORD = re.compile(r"[a-z0-9&\-]+")


@lru_cache(maxsize=1)
def _model():
    from sklearn.feature_extraction.text import TfidfVectorizer

    numbers = sorted(GOALS)
    documents = [GOALS[n][0] + " " + " ".join(GOALS[n][1]) for n in numbers]
    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    matrix = vectoriser.fit_transform(documents)
    return numbers, vectoriser, matrix


def scores(text: str) -> dict[int, float]:
    """A score per goal (higher is more likely)."""
    numbers, vectoriser, matrix = _model()
    lowered = " " + text.lower() + " "
    similarity = (vectoriser.transform([lowered]) @ matrix.T).toarray()[0]
    out: dict[int, float] = {}
    for i, number in enumerate(numbers):
        hits = sum(lowered.count(stem) for stem in GOALS[number][1])
        out[number] = float(similarity[i]) + KEYWORD_WEIGHT * min(hits, 10) ** 0.5
    return out


def suggest(text: str, top: int = 3) -> list[int]:
    """The `top` most likely goals for the text, best first (none for a text too short to judge)."""
    if len(_WORD.findall(text.lower())) < 3:
        return []
    ranked = sorted(scores(text).items(), key=lambda item: (-item[1], item[0]))
    return [number for number, value in ranked[:top] if value > 0]
