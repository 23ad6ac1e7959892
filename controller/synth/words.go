package synth

// Word lists the generator composes names and texts from. They are fixed
// so that a seed always gives the same organisation.

var firstNames = []string{
	"aisha", "alex", "alice", "amara", "ana", "anders", "aran", "ben", "bianca", "bob",
	"carla", "carlos", "chen", "chloe", "dana", "daniel", "dev", "diego", "elena", "eli",
	"emeka", "emma", "eva", "farah", "fatima", "felix", "gabriel", "grace", "hana", "hannah",
	"hugo", "ines", "ivan", "jamal", "jana", "jin", "jonas", "jordan", "julia", "kai",
	"kenji", "kim", "lars", "lea", "lena", "leo", "lina", "luca", "maya", "marcus",
	"maria", "mateo", "mei", "mia", "milan", "nadia", "nina", "noah", "nora", "olga",
	"omar", "oscar", "pablo", "pat", "pedro", "priya", "quinn", "rahul", "rosa", "ruth",
	"sam", "sara", "sean", "sofia", "soren", "tariq", "tess", "theo", "tom", "uma",
	"vera", "victor", "wes", "xin", "yara", "yuki", "yusuf", "zane", "zara", "zoe",
}

var lastNames = []string{
	"adeyemi", "alvarez", "andersen", "bauer", "becker", "brown", "campbell", "chen", "costa", "cruz",
	"dubois", "eriksson", "evans", "fischer", "fernandes", "garcia", "gonzalez", "gupta", "hansen", "hoffmann",
	"hughes", "ibrahim", "ito", "jansen", "johnson", "kaur", "khan", "kim", "kowalski", "kumar",
	"larsen", "lee", "lopez", "martin", "meyer", "miller", "moreau", "murphy", "nakamura", "natarajan",
	"nguyen", "novak", "okafor", "olsen", "osei", "patel", "pereira", "petrov", "popescu", "rossi",
	"santos", "sato", "schmidt", "silva", "singh", "smith", "sousa", "suzuki", "tanaka", "taylor",
	"thomas", "van-dijk", "wagner", "walker", "wang", "weber", "williams", "wilson", "wong", "yamamoto",
	"yilmaz", "zhang", "zielinski", "abara", "baptiste", "cohen", "diallo", "haddad", "lindqvist", "mensah",
}

var teamAreas = []string{
	"platform", "payments", "identity", "data", "search", "mobile", "web", "billing", "growth", "security",
	"infra", "analytics", "ml", "support", "checkout", "ledger", "risk", "compliance", "onboarding", "notifications",
	"catalog", "pricing", "fraud", "messaging", "maps", "media", "partners", "reporting", "storage", "networking",
	"observability", "release", "developer-experience", "it", "finance-systems", "people-systems", "sales-engineering", "marketing-tech", "design-systems", "accessibility",
	"edge", "auth", "inventory", "shipping", "returns", "loyalty", "ads", "recommendations", "experimentation", "privacy",
}

var teamSuffixes = []string{"", "-api", "-web", "-core", "-oncall", "-tools", "-ops", "-eu", "-us", "-apac", "-research", "-quality"}

var teamFunctions = map[string]string{
	"": "owns", "-api": "builds the APIs of", "-web": "builds the web front end of", "-core": "keeps the core services of",
	"-oncall": "is on call for", "-tools": "builds internal tools for", "-ops": "operates", "-eu": "runs in Europe",
	"-us": "runs in the Americas", "-apac": "runs in Asia-Pacific", "-research": "researches", "-quality": "tests",
}

// wellKnownSystems are the first systems of every organisation, in order.
var wellKnownSystems = []struct {
	name, description, template string
}{
	{"github", "Source code, pull requests and CI for every repository.", "github"},
	{"aws-prod", "The production AWS accounts.", "aws"},
	{"slack", "The company Slack workspace.", "slack"},
	{"postgres-core", "The core application database.", "postgres"},
	{"aws-staging", "The staging AWS accounts.", "aws"},
	{"datadog", "Metrics, logs and traces.", "saas"},
	{"pagerduty", "On-call schedules and incident paging.", "saas"},
	{"okta", "Single sign-on for every company application.", "saas"},
	{"postgres-billing", "The billing database.", "postgres"},
	{"jira", "Issue tracking.", "saas"},
	{"confluence", "The company wiki.", "saas"},
	{"snowflake", "The data warehouse.", "manual"},
	{"sentry", "Error tracking.", "saas"},
	{"figma", "Design files.", "saas"},
	{"salesforce", "Customer relationships and the sales pipeline.", "saas"},
	{"zendesk", "Customer support tickets.", "saas"},
	{"postgres-analytics", "The analytics replica.", "postgres"},
	{"vault", "Secrets for production services.", "manual"},
	{"kubernetes-prod", "The production Kubernetes clusters.", "manual"},
	{"stripe-dashboard", "Payments, refunds and payouts.", "manual"},
	{"looker", "Dashboards over the data warehouse.", "saas"},
	{"google-workspace", "Mail, calendar and documents.", "saas"},
	{"1password", "Shared team vaults.", "manual"},
	{"grafana", "Operational dashboards.", "saas"},
	{"hr-portal", "Payroll, leave and personnel records.", "saas"},
}

var systemComponents = []struct {
	name, template string
}{
	{"db", "postgres"}, {"api", "manual"}, {"admin", "saas"}, {"console", "saas"},
	{"queue", "manual"}, {"repo", "github"}, {"warehouse", "manual"}, {"dashboard", "saas"},
}

var environments = []string{"prod", "staging"}

var justifications = []string{
	"On call for %s this quarter.",
	"Investigating incident INC-%d.",
	"Joining the %s team.",
	"Quarterly close needs read access to the ledger.",
	"Migrating %s to the new cluster.",
	"Customer escalation SUP-%d needs the raw records.",
	"Building the %s dashboard for the leadership review.",
	"Pairing with the %s team on the launch.",
	"Audit evidence collection for SOC 2.",
	"Rotating credentials for %s.",
}

var freeformPermissions = []string{
	"read-only access to the %s schema",
	"write access to the %s project",
	"the %s channel and its user group",
	"view dashboards in the %s folder",
	"deploy rights for %s",
}

var controlThemes = []string{
	"Access to production is reviewed quarterly",
	"Multi-factor authentication is enforced",
	"Production changes are peer reviewed",
	"Backups are tested for restore",
	"Security training is completed yearly",
	"Vendors are assessed before onboarding",
	"Encryption at rest is enabled",
	"Incidents are documented and reviewed",
	"Access is removed on offboarding",
	"Logs are retained for one year",
	"Vulnerabilities are remediated within SLA",
	"Background checks are performed",
}

var testThemes = []string{
	"MFA enabled on %s",
	"%s accounts reviewed",
	"%s backups restored",
	"Offboarded people removed from %s",
	"Branch protection on %s",
	"Encryption enabled on %s",
	"Audit logging on %s",
}

var documentThemes = []string{
	"Information Security Policy", "Access Control Policy", "Incident Response Plan",
	"Business Continuity Plan", "Vendor Management Policy", "Data Retention Policy",
	"Acceptable Use Policy", "Change Management Policy", "Encryption Standard",
	"Risk Assessment Methodology", "Code of Conduct", "Board Minutes",
}

var riskThemes = []struct{ title, category string }{
	{"Credential theft through phishing", "security"},
	{"Loss of the primary cloud region", "operational"},
	{"Insider misuse of production data", "security"},
	{"Critical vendor goes out of business", "vendor"},
	{"Regulatory change in data residency", "compliance"},
	{"Ransomware on employee laptops", "security"},
	{"Key person dependency", "operational"},
	{"Unpatched dependency exploited", "security"},
	{"Payment processor outage", "vendor"},
	{"Audit finding on access reviews", "compliance"},
}

var riskTaskThemes = []string{
	"Roll out phishing-resistant keys", "Document the failover runbook", "Review vendor SOC 2 report",
	"Add alerting for bulk exports", "Run a tabletop exercise", "Patch and rescan", "Cross-train a second owner",
}

var reportThemes = []struct{ title, schedule string }{
	{"Access review status", "monthly"},
	{"Open vulnerabilities", "weekly"},
	{"Control health", "monthly"},
	{"Risk register summary", "quarterly"},
	{"Security training completion", "monthly"},
}

var orgNames = []struct{ slug, name string }{
	{"acme", "Acme Corp"}, {"globex", "Globex"}, {"initech", "Initech"}, {"umbrella", "Umbrella Health"},
	{"hooli", "Hooli"}, {"stark", "Stark Industries"}, {"wayne", "Wayne Enterprises"}, {"tyrell", "Tyrell Systems"},
}
