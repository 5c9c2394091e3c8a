package sample

// Short lists the generator draws names from (data/README.md, "Sources").

// surnames are the 50 most frequent surnames of the 2010 US Census (Census
// Bureau, "Frequently Occurring Surnames from the 2010 Census", 2016), a
// US government work in the public domain.
var surnames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
}

// firstNames are among the most popular US baby names of the 1980s (Social
// Security Administration, "Popular Baby Names", national data by decade),
// a US government work in the public domain.
var firstNames = []string{
	"Michael", "Christopher", "Matthew", "Joshua", "David", "James", "Daniel", "Robert", "John", "Joseph",
	"Jason", "Justin", "Andrew", "Ryan", "William", "Brian", "Brandon", "Jonathan", "Nicholas", "Anthony",
	"Jessica", "Jennifer", "Amanda", "Ashley", "Sarah", "Stephanie", "Melissa", "Nicole", "Elizabeth", "Heather",
	"Tiffany", "Michelle", "Amber", "Megan", "Amy", "Rachel", "Kimberly", "Christina", "Lauren", "Crystal",
}

// Words of the simulated accounts' company names.
var (
	companyWords = []string{
		"Summit", "Harbor", "Prairie", "Granite", "Cedar", "Riverside", "Pioneer", "Keystone", "Liberty", "Northfield",
		"Lakeshore", "Redwood", "Blue Ridge", "Canyon", "Heritage", "Meridian", "Frontier", "Bayview", "Ironwood", "Maple",
	}
	companyTrades = []string{
		"Logistics", "Dental Group", "Manufacturing", "Health Partners", "Foods", "Engineering", "Supply", "Builders",
		"Analytics", "Credit Union", "Medical Center", "Distribution", "Energy", "Insurance", "Labs", "Services",
	}
	companySuffixes = []string{"Inc.", "LLC", "Co.", "Corp.", "Group", "Partners"}
)

// Products of the simulated opportunities.
var products = []string{"Platform", "Analytics Add-on", "Implementation Services", "Premium Support"}
