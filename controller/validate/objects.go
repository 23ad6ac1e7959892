package validate

import "github.com/gatehouse-dev/gatehouse/controller/model"

// checkObjects checks the compliance objects: owners, viewers and
// reviewers (collaborator or above, active), and parent links.
func (c *checker) checkObjects() {
	o := c.org
	for _, x := range o.Controls {
		c.checkOwner(&x.Meta, x.Owner, model.KindControl, x.Name)
	}
	for _, x := range o.Tests {
		c.checkOwner(&x.Meta, x.Owner, model.KindTest, x.Name)
		c.checkControls(&x.Meta, x.Controls)
	}
	for _, x := range o.Documents {
		c.checkOwner(&x.Meta, x.Owner, model.KindDocument, x.Name)
		c.checkControls(&x.Meta, x.Controls)
	}
	for _, x := range o.RiskScenarios {
		c.checkOwner(&x.Meta, x.Owner, model.KindRiskScenario, x.Name)
	}
	for _, x := range o.RiskTasks {
		c.checkOwner(&x.Meta, x.Owner, model.KindRiskTask, x.Name)
		c.checkRiskScenario(x)
	}
	for _, x := range o.Reports {
		subj := subject{kind: model.KindReport, name: x.Name}
		for i, v := range x.Viewers {
			c.checkRef(&x.Meta, item("viewers", i), v, useViewer, subj)
		}
	}
	for _, x := range o.AccessReviews {
		c.checkReview(x)
	}
}

// checkOwner checks an object's owner; an object may have none.
func (c *checker) checkOwner(doc *model.Meta, owner, kind, name string) {
	if owner != "" {
		c.checkRef(doc, field("owner"), owner, useOwner, subject{kind: kind, name: name})
	}
}

// checkControls checks a Test's or Document's parent controls.
func (c *checker) checkControls(doc *model.Meta, controls []string) {
	for i, name := range controls {
		if _, ok := c.org.ControlByName[name]; ok {
			continue
		}
		path := item("controls", i)
		if kind := c.kindOf(name); kind != "" {
			c.report(doc, path, ruleWrongParentKind, "%s is a %s, not a Control; controls must name controls", name, kind)
			continue
		}
		c.report(doc, path, ruleUnknownControl, "control %q is not a Control; %s", name,
			orElse(c.suggest(model.KindControl, name, names(c.org.Controls)), "add a Control named "+name+" or fix the name"))
	}
}

// checkRiskScenario checks a RiskTask's parent risk scenario.
func (c *checker) checkRiskScenario(t *model.RiskTask) {
	name := t.RiskScenario
	if _, ok := c.org.RiskScenarioByName[name]; ok {
		return
	}
	if kind := c.kindOf(name); kind != "" {
		c.report(&t.Meta, field("riskScenario"), ruleWrongParentKind, "%s is a %s, not a RiskScenario; name the risk scenario this task treats", name, kind)
		return
	}
	c.report(&t.Meta, field("riskScenario"), ruleUnknownRiskScenario, "risk scenario %q is not a RiskScenario; %s", name,
		orElse(c.suggest(model.KindRiskScenario, name, names(c.org.RiskScenarios)), "add a RiskScenario named "+name+" or fix the name"))
}

// kindOf returns the kind of the compliance object called name, for
// wrong-parent-kind messages, or "" when there is none.
func (c *checker) kindOf(name string) string {
	o := c.org
	switch {
	case name == "":
		return ""
	case o.ControlByName[name] != nil:
		return model.KindControl
	case o.TestByName[name] != nil:
		return model.KindTest
	case o.DocumentByName[name] != nil:
		return model.KindDocument
	case o.RiskScenarioByName[name] != nil:
		return model.KindRiskScenario
	case o.RiskTaskByName[name] != nil:
		return model.KindRiskTask
	case o.ReportByName[name] != nil:
		return model.KindReport
	case o.AccessReviewByName[name] != nil:
		return model.KindAccessReview
	}
	return ""
}

// checkReview checks an access review's systems and their reviewers.
func (c *checker) checkReview(r *model.AccessReview) {
	for i, rs := range r.Systems {
		path := item("systems", i)
		if _, ok := c.org.SystemByName[rs.System]; !ok {
			c.report(&r.Meta, path.dot("system"), ruleUnknownSystem, "system %q is not a system; %s", rs.System,
				orElse(c.suggest(model.KindSystem, rs.System, names(c.org.Systems)), "name a System in systems/"))
		}
		subj := subject{name: rs.System, inKind: model.KindAccessReview, inName: r.Name}
		for j, v := range rs.Reviewers {
			c.checkRef(&r.Meta, path.dot("reviewers").at(j), v, useReviewer, subj)
		}
	}
}
