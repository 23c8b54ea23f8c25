"""The words and weights of realistic seeded data: degrees, activity types, names, titles, companies."""

# ruff: noqa: SIM905 - word lists read better as one string

# (value, weight). About 60 % of learners are physicians (MD, DO, MBBS).
DEGREES = [("MD", 50), ("DO", 8), ("MBBS", 2), ("NP", 12), ("PA", 8), ("RN", 12), ("PharmD", 5), ("PhD", 2),
           ("other", 1)]  # fmt: skip
# Mostly regularly scheduled series and courses; the first thirteen activities take one type each.
TYPES = [("rss", 40), ("course", 25), ("internet-live", 10), ("internet-enduring", 9), ("enduring", 3),
         ("journal", 2), ("committee-learning", 2), ("performance-improvement", 2), ("internet-point-of-care", 2),
         ("manuscript-review", 1), ("test-item-writing", 1), ("learning-from-teaching", 1), ("other", 2)]  # fmt: skip
# Expected attendance of one session, relative: a course session draws more than a weekly conference.
SESSION_DRAW = {"rss": 1.0, "course": 3.0, "internet-live": 4.0}
FIRST = (
    "Maya Lukas Sofia Henry Aisha Wei Zoë Łukasz Αλέξανδρος Дмитрий Priya Omar Elena James Fatima Hiroshi Ana Noah "
    "Grace Mateo Chloé Ingrid Kwame Sara"
).split()
LAST = (
    "Okafor Brandt Reyes Walsh Khan Zhang Wójcik Nowak Παπαδόπουλος Иванов Patel Haddad Ruiz O'Brien Nakamura Silva "
    "Cohen Adeyemi García Müller Lindqvist Mensah"
).split()
DEPARTMENTS = (
    "Medicine; Surgery; Pediatrics; Cardiology; Oncology; Neurology; Psychiatry; Radiology; Emergency Medicine; "
    "Obstetrics and Gynecology; Anesthesiology; Infectious Diseases; Nephrology; Endocrinology; Pulmonary and "
    "Critical Care; Geriatrics; Dermatology; Orthopaedics; Pathology; Family Medicine; Gastroenterology; "
    "Rheumatology; Urology"
).split("; ")
SERIES = ["Grand Rounds", "Tumor Board", "Morbidity and Mortality Conference", "Journal Club", "Case Conference"]
TOPICS = (
    "Sepsis; Heart Failure; Opioid Stewardship; Implicit Bias in Clinical Care; Stroke; Diabetes; Antimicrobial "
    "Resistance; Palliative Care; Chronic Kidney Disease; Atrial Fibrillation; Health Equity; Point-of-Care "
    "Ultrasound; Pain Management; Pediatric Asthma; Lung Cancer Screening; Maternal Health; Medication Safety; "
    "Dementia; Telehealth; Electronic Health Records"
).split("; ")
SUBTITLES = [
    "An Update",
    "What's New This Year",
    "Evidence and Practice",
    "A Case-Based Review",
    "Interdisciplinary Approaches to Diagnosis, Management and Transitions of Care in Older Adults with Multiple "
    "Chronic Conditions",
]
PLACES = ["Boston, MA", "Ether Dome, Boston, MA", "Simches Auditorium, Boston, MA", "Cambridge, MA", "Newton, MA"]
# Invented companies, as in the demo data.
COMPANIES = (
    "Northwind Pharmaceuticals; Fabrikam Biologics; Contoso Medical Devices; Adatum Diagnostics; Litware "
    "Therapeutics; Proseware Health; Tailspin Imaging; Wingtip Genomics"
).split("; ")
JOINT_PROVIDERS = ["Massachusetts Medical Society", "Boston Children's Health Network", "New England Heart Society"]
# One reads as a spreadsheet formula, as real free text sometimes does.
CHANGES = [
    "Screen earlier for sepsis in the emergency department.",
    "Use the new guideline for anticoagulation.",
    "Discuss goals of care at the first visit.",
    "Reduce opioid prescriptions after minor surgery.",
    "Check renal function before prescribing.",
    "=Review bias in triage decisions",
    "Order fewer routine labs.",
]
NATURES = ["consultant", "speaker", "researcher", "advisor"]
MITIGATION = "Content peer reviewed by the planning committee for fair balance."
