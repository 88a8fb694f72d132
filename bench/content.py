#!/usr/bin/env python3
"""Writes DOCS documents shaped like a real network's content into OUT
(part000.json, ... for `mrcnode import`): see bench/web_bench.sh.
  bench/content.py OUT DOCS [SAME_WORDS]   SAME_WORDS=1: English words everywhere"""
import json, os, random, sys
out, total = sys.argv[1], int(sys.argv[2])
same_words = len(sys.argv) > 3 and sys.argv[3] == "1"
random.seed(7)
os.makedirs(out)
common = {
    "en": "visa permit residence work family reunification asylum embassy passport employer contract "
          "study university health insurance return quota agreement citizenship support centre office "
          "application document fee appointment deadline renewal extension border entry stay season "
          "worker student spouse child parent refugee protection interview court appeal decision right "
          "obligation language course integration housing rent tax bank account social security pension",
    "fr": "visa permis résidence travail famille regroupement asile ambassade passeport employeur contrat "
          "études université santé assurance retour quota accord citoyenneté soutien centre bureau "
          "demande document frais rendezvous délai renouvellement prolongation frontière entrée séjour "
          "saison travailleur étudiant conjoint enfant parent réfugié protection entretien tribunal "
          "recours décision droit obligation langue cours intégration logement loyer impôt banque compte "
          "social sécurité retraite",
    "ru": "виза разрешение проживание работа семья воссоединение убежище посольство паспорт работодатель "
          "договор учёба университет здоровье страховка возвращение квота соглашение гражданство "
          "поддержка центр офис заявление документ пошлина запись срок продление пролонгация граница "
          "въезд пребывание сезон работник студент супруг ребёнок родитель беженец защита собеседование "
          "суд апелляция решение право обязанность язык курс интеграция жильё аренда налог банк счёт "
          "социальный обеспечение пенсия",
    "ar": "تأشيرة تصريح إقامة عمل أسرة لمّ لجوء سفارة جواز مشغّل عقد دراسة جامعة صحة تأمين عودة حصة "
          "اتفاقية جنسية دعم مركز مكتب طلب وثيقة رسوم موعد مهلة تجديد تمديد حدود دخول بقاء موسم عامل "
          "طالب زوج طفل والد لاجئ حماية مقابلة محكمة استئناف قرار حق التزام لغة دورة اندماج سكن إيجار "
          "ضريبة بنك حساب اجتماعي ضمان معاش",
}
rare_letter = {"en": "w", "fr": "x", "ru": "ж", "ar": "ع"}
langs = ["en", "fr", "ru", "ar"]
vocab = {}
for l in langs:
    w = "en" if same_words else l
    vocab[l] = common[w].split() + [rare_letter[w] + "%05d" % i for i in range(5000)]
weights = [1.0 / (i + 1) for i in range(len(vocab["en"]))]
def words(n, lang):
    return " ".join(random.choices(vocab[lang], weights, k=n))
categories = common["en"].split()[:20]
countries = ["AF","AL","DZ","AR","AM","AU","AT","AZ","BD","BY","BE","BJ","BO","BA","BR","BG","BF","KH","CM","CA",
             "CL","CN","CO","CD","CR","HR","CU","CY","CZ","DK","DO","EC","EG","SV","ER","EE","ET","FI","FR","GE",
             "DE","GH","GR","GT","GN","HT","HN","HU","IS","IN","ID","IR","IQ","IE","IL","IT","CI","JM","JP","JO",
             "KZ","KE","XK","KW","KG","LA","LV","LB","LR","LY","LT","LU","MG","MW","MY","ML","MT","MR","MX","MD",
             "MN","ME","MA","MZ","MM","NA","NP","NL","NZ","NI","NE","NG","MK","NO","OM","PK","PS","PA","PY","PE",
             "PH","PL","PT","QA","RO","RU","RW","SA","SN","RS","SL","SG","SK","SI","SO","ZA","KR","SS","ES","LK",
             "SD","SE","CH","SY","TW","TJ","TZ","TH","TG","TN","TR","TM","UG","UA","AE","GB","US","UY","UZ","VE",
             "VN","YE","ZM","ZW","AO","BH","BW","BI","CV","CF","TD","KM","DJ","GQ","GA","GM","GW","LS","MU","NC",
             "PG","SR","SZ","TL","TT","BT","BN","FJ","GY","BZ","BB","BS","MV","MC","LI","SM","AD","VA","ST","SC",
             "KI","MH","FM","NR","PW","WS","SB","TO","TV","VU","LC","VC","GD","DM","KN","AG","MO","HK","PR","GL"]
topics = ["entry-and-stay","visas-and-embassy","residence-and-work-permits","job-search","quotas-and-agreements",
          "study","family-reunification","health-and-social-insurance","support-services","citizenship","return",
          "legislation"]
items = []
for c in countries:
    for t in topics:
        for l in langs:
            items.append({"kind": "guide", "content": {"country": c, "topic": t, "language": l,
                          "body": words(120, l), "verified_on": "2026-10-01", "sources": ["ministry website"]}})
for i in range(400):
    items.append({"kind": "centre", "content": {"name": "Centre %d" % i,
                  "location": {"city": "City %d" % i, "country": random.choice(countries)},
                  "languages": ["en", "fr"], "services": ["counselling", "referral"]}})
for i in range(1000):
    l = random.choice(langs)
    items.append({"kind": "bulletin", "content": {"title": words(6, l), "body": words(150, l),
                  "effective_date": "2026-%02d-%02d" % (1 + i % 12, 1 + i % 28), "urgency": "normal",
                  "language": l, "countries": [random.choice(countries)]}})
i = 0
while len(items) < total:
    l = langs[i % 4]
    items.append({"kind": "faq", "content": {"question": words(8, l) + "?", "answer": words(110, l),
                  "language": l, "categories": [random.choice(categories)]}})
    i += 1
for k in range(0, len(items), 10000):
    with open(os.path.join(out, "part%03d.json" % (k // 10000)), "w") as f:
        json.dump(items[k:k + 10000], f, ensure_ascii=False)
