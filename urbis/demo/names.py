"""Small, fixed data for the demo edition: personal names by naming tradition, organisations,
phrases for titles and bios. Nothing here is random; the steps pick from it with `ctx.rng`."""

# Naming traditions → (given names, family names). Family name first where that is the custom
# is not modelled: the demo stores first_name / last_name as the site displays them.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "zh": (("Wei", "Fang", "Min", "Jing", "Lei", "Xiaoling", "Jun", "Yan", "Hao", "Li", "Qiang", "Mei", "Tao",
            "Yun", "Zhen", "Hui", "Bo", "Xin", "Ping", "Lan"),
           ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
            "Hu", "Guo", "He", "Lin", "Luo", "Zheng")),
    "ja": (("Haruto", "Yui", "Takeshi", "Aiko", "Kenji", "Sakura", "Hiroshi", "Yuki", "Daiki", "Naomi", "Satoshi",
            "Emi"),
           ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato")),
    "ko": (("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-hyun", "Soo-ah", "Jae-won", "Yu-na"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon")),
    "south_asia": (("Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Imran", "Ayesha",
                    "Sanjay", "Fatima", "Rohan", "Nadia", "Karan", "Sunita"),
                   ("Sharma", "Patel", "Singh", "Kumar", "Reddy", "Gupta", "Khan", "Iyer", "Rahman", "Chowdhury",
                    "Mehta", "Nair", "Das", "Hossain")),
    "southeast_asia": (("Nguyen Van", "Siti", "Budi", "Maria", "Anh", "Putri", "Somchai", "Mai", "Rizal", "Dewi",
                        "Thanh", "Ana", "Arief", "Linh"),
                       ("Nguyen", "Tran", "Santoso", "Reyes", "Wijaya", "Pham", "Cruz", "Rahmat", "Le", "Bautista",
                        "Saputra", "Suksawat")),
    "arabic": (("Omar", "Layla", "Ahmed", "Fatima", "Youssef", "Mariam", "Khalid", "Noor", "Hassan", "Salma",
                "Karim", "Rania", "Tariq", "Huda", "Ali", "Zeynep", "Mehmet", "Elif"),
               ("Al-Sayed", "Haddad", "Mansour", "Khoury", "Nasser", "El-Amin", "Farouk", "Hamdan", "Saleh",
                "Yilmaz", "Kaya", "Demir", "Rahimi", "Karimi", "Aziz")),
    "africa": (("Amara", "Kwame", "Ngozi", "Thabo", "Aisha", "Kofi", "Zanele", "Chinedu", "Fatoumata", "Tendai",
                "Abebe", "Wanjiru", "Moussa", "Nomvula", "Yaw", "Adaeze"),
               ("Okafor", "Mensah", "Dlamini", "Kamau", "Diallo", "Traoré", "Nkosi", "Adeyemi", "Mwangi", "Bekele",
                "Ndiaye", "Owusu", "Moyo", "Osei", "Abubakar", "Kone")),
    "hispanic": (("María", "José", "Lucía", "Carlos", "Valentina", "Juan", "Camila", "Diego", "Sofía", "Andrés",
                  "Isabel", "Miguel", "Gabriela", "Alejandro", "Paula", "Fernando"),
                 ("García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez", "Ramírez",
                  "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Castillo")),
    "lusophone": (("João", "Ana", "Pedro", "Mariana", "Lucas", "Beatriz", "Rafael", "Juliana", "Tiago", "Larissa"),
                  ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira", "Lima",
                   "Carvalho")),
    "french": (("Camille", "Louis", "Léa", "Hugo", "Chloé", "Antoine", "Manon", "Julien", "Sophie", "Mathieu",
                "Claire", "Nicolas"),
               ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                "Lefèvre", "Girard")),
    "european": (("Anna", "Lukas", "Elena", "Marco", "Katarzyna", "Jan", "Eva", "Stefan", "Ingrid", "Pieter",
                  "Giulia", "Andreas", "Maja", "Tomasz", "Sara", "Niels"),
                 ("Müller", "Rossi", "Kowalski", "de Vries", "Novák", "Schmidt", "Bianchi", "Jansen", "Nielsen",
                  "Andersson", "Papadopoulos", "Horvat", "Wagner", "Ferrari", "Nowak", "Berg")),
    "slavic": (("Olga", "Dmitri", "Natalia", "Sergei", "Irina", "Alexei", "Tatiana", "Mikhail", "Yulia", "Andrei"),
               ("Ivanov", "Petrova", "Smirnov", "Kuznetsova", "Popov", "Volkova", "Sokolov", "Morozova", "Lebedev",
                "Kozlova")),
    "anglophone": (("James", "Emily", "Michael", "Sarah", "David", "Jennifer", "Robert", "Olivia", "Daniel",
                    "Rachel", "Christopher", "Megan", "Matthew", "Laura"),
                   ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
                    "Taylor", "Thompson", "Clarke", "Walker", "Campbell")),
}

_TRADITION_OF_COUNTRY = {
    "CN": "zh", "TW": "zh", "HK": "zh", "SG": "zh", "JP": "ja", "KR": "ko", "KP": "ko",
    "IN": "south_asia", "PK": "south_asia", "BD": "south_asia", "NP": "south_asia", "LK": "south_asia",
    "VN": "southeast_asia", "ID": "southeast_asia", "PH": "southeast_asia", "TH": "southeast_asia",
    "MY": "southeast_asia", "MM": "southeast_asia", "KH": "southeast_asia",
    "BR": "lusophone", "PT": "lusophone", "AO": "lusophone", "MZ": "lusophone",
    "FR": "french", "BE": "french", "CH": "french", "CA": "anglophone", "SN": "africa", "CI": "africa",
    "US": "anglophone", "GB": "anglophone", "AU": "anglophone", "NZ": "anglophone", "IE": "anglophone",
    "RU": "slavic", "UA": "slavic", "BY": "slavic", "KZ": "slavic", "UZ": "slavic",
    "ES": "hispanic", "DZ": "arabic", "MA": "arabic", "TN": "arabic", "LY": "arabic", "SD": "arabic",
    "SO": "africa", "TR": "arabic", "IR": "arabic",
}
_TRADITION_OF_REGION = {
    "africa": "africa", "asia-pacific": "southeast_asia", "europe": "european", "latin-america": "hispanic",
    "middle-east": "arabic", "north-america": "anglophone",
}


def naming_tradition(country: str, region: str) -> str:
    return _TRADITION_OF_COUNTRY.get(country, _TRADITION_OF_REGION.get(region, "anglophone"))


# Languages a person from a country is likely to speak (besides English, added for most).
_LANGUAGES_OF_TRADITION = {
    "zh": ["zh"], "hispanic": ["es"], "lusophone": ["pt"], "french": ["fr"], "slavic": ["ru"], "arabic": ["ar"],
}

# (name, ISO country of the head office, website) — real organisations, as partners of a congress.
INTERNATIONAL_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("UN-Habitat", "KE", "https://unhabitat.org"),
    ("United Cities and Local Governments (UCLG)", "ES", "https://www.uclg.org"),
    ("World Bank", "US", "https://www.worldbank.org"),
    ("OECD", "FR", "https://www.oecd.org"),
    ("World Health Organization", "CH", "https://www.who.int"),
    ("United Nations Development Programme", "US", "https://www.undp.org"),
    ("UNESCO", "FR", "https://www.unesco.org"),
    ("Inter-American Development Bank", "US", "https://www.iadb.org"),
    ("Asian Development Bank", "PH", "https://www.adb.org"),
)
NGOS: tuple[tuple[str, str, str], ...] = (
    ("C40 Cities", "GB", "https://www.c40.org"),
    ("ICLEI – Local Governments for Sustainability", "DE", "https://iclei.org"),
    ("World Resources Institute", "US", "https://www.wri.org"),
    ("Slum Dwellers International", "ZA", "https://sdinet.org"),
    ("Habitat for Humanity International", "US", "https://www.habitat.org"),
    ("Cities Alliance", "BE", "https://www.citiesalliance.org"),
    ("Huairou Commission", "US", "https://huairou.org"),
)
ACADEMIA: tuple[tuple[str, str, str], ...] = (
    ("LSE Cities, London School of Economics", "GB", "https://www.lse.ac.uk/cities"),
    ("Sun Yat-sen University", "CN", "https://www.sysu.edu.cn"),
    ("Tongji University", "CN", "https://www.tongji.edu.cn"),
    ("Universitat Politècnica de Catalunya", "ES", "https://www.upc.edu"),
    ("University of Cape Town, African Centre for Cities", "ZA", "https://www.africancentreforcities.net"),
    ("Universidad Nacional Autónoma de México", "MX", "https://www.unam.mx"),
)
PARTNERS: tuple[tuple[str, str, str], ...] = (
    ("Guangzhou Institute for Urban Innovation", "CN", "https://www.guangzhouaward.org"),
    ("Barcelona Metropolitan Area", "ES", "https://www.amb.cat"),
    ("Seoul Metropolitan Government — International Relations", "KR", "https://english.seoul.go.kr"),
    ("Île-de-France Region", "FR", "https://www.iledefrance.fr"),
)
# Fictional media (no real outlet is made to cover a fictional edition).
MEDIA: tuple[tuple[str, str], ...] = (
    ("Metropolitan Review", "GB"),
    ("City Voices Network", "KE"),
    ("Urban Asia Today", "SG"),
    ("Revista Ciudades", "MX"),
    ("Le Journal des Métropoles", "FR"),
)

EXPERT_TOPICS: tuple[str, ...] = (
    "urban mobility", "public space design", "climate adaptation", "municipal finance", "digital government",
    "public health", "housing policy", "gender equality in cities", "metropolitan governance",
    "nature-based solutions", "circular economy", "data and urban analytics", "participatory budgeting",
    "disaster risk reduction", "water management", "informal settlements",
)

# Session title building blocks per theme slug (outcome areas and aspects of core.taxonomies).
THEME_TITLES: dict[str, tuple[str, ...]] = {
    "public-space": ("Streets for people", "Reclaiming public space after the pandemic", "Parks, plazas and the "
                     "right to the city", "Night-time cities", "Designing safe public spaces"),
    "climate-friendly-mobility": ("Fifteen-minute cities", "Electrifying public transport", "Cycling networks at "
                                  "metropolitan scale", "Mobility as a service", "Low-emission zones that work"),
    "inclusive-sustainable-economy": ("Local economies after COVID-19", "The informal economy and the city",
                                      "Green jobs for metropolitan regions", "Municipal procurement for inclusion",
                                      "Tourism that benefits residents"),
    "technology-decentralised-work": ("Remote work and the metropolis", "Digital rights in smart cities",
                                      "Open data for urban decisions", "Bridging the digital divide",
                                      "Artificial intelligence in public services"),
    "nature-based-solutions": ("Urban forests and heat islands", "Sponge cities", "Biodiversity in dense cities",
                               "Rivers back to the city", "Green corridors across municipal borders"),
    "carbon-footprint": ("Roadmaps to net-zero", "Retrofitting the building stock", "Measuring city emissions",
                         "Clean energy communities", "Waste as a resource"),
    "healthcare": ("Health systems under pressure", "Lessons from the pandemic response", "Healthy ageing in "
                   "cities", "Mental health and urban life", "Vaccination logistics at scale"),
    "gender-citizen-rights": ("Cities for women and girls", "Feminist urban planning", "Migrants' rights in the "
                              "metropolis", "Accessible cities for all", "Ending violence in public space"),
    "urban-growth": ("Planning for two billion new urban dwellers", "Managing peri-urban growth", "Affordable "
                     "housing at scale", "Land value capture"),
    "digitalisation": ("Digital twins of metropolitan regions", "E-government for everyone", "Cybersecurity for "
                       "cities"),
    "citizen-participation": ("Participatory budgeting at scale", "Citizens' assemblies", "Young people shaping "
                              "their city"),
    "resilience": ("Building back better", "Metropolitan resilience strategies", "Preparing for the next "
                   "pandemic", "Floods, droughts and heatwaves"),
}
FORMAT_PREFIXES: dict[str, tuple[str, ...]] = {
    "forum": ("Thematic forum", "Forum", "Debate"),
    "workshop": ("Workshop", "Hands-on lab", "Training"),
    "side_event": ("Side event", "Networking session", "Study visit briefing"),
    "plenary": ("Plenary",),
}
