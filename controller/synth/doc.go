// Package synth generates synthetic organisations for benchmarks and
// demonstrations: people, teams, custom roles, systems with access levels,
// access requests, compliance objects, a Config and a couple of policies,
// in the sizes gatehouse's performance figures are measured on.
//
// A generated organisation is valid: every reference resolves, approvers,
// admins, team members and object owners hold collaborator or above, the
// few offboarded people approve and administer nothing, requests name
// existing levels, carry a justification where the system requires one,
// freeform permissions only where the system allows them and expire
// within their level's maximum duration. It is also realistic where
// performance depends on it: a few systems receive most requests, teams
// vary in size and people hold several requests.
//
// Generation is deterministic: the same Size, seed and Now give the same
// organisation, byte for byte once written.
//
//	org := synth.Generate(synth.Medium, 1, synth.WithNow(now))
//	if err := synth.WriteDir(ctx, org, dir); err != nil { ... }
//	hash, err := synth.WriteGit(ctx, org, gitDir)
//
// WriteDir lays the organisation out in the folder convention of the
// access repo (people/, teams/, roles/, systems/, access/<system>/,
// objects/<kind>/, gatehouse.yaml, policies/); WriteGit does the same and
// commits the files into a new Git repository. Cached keeps one written
// organisation per size and seed under os.TempDir() for benchmarks.
package synth
