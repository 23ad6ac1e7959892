package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/gatehouse-dev/gatehouse/controller/gitrepo"
	"github.com/gatehouse-dev/gatehouse/controller/load"
	"github.com/gatehouse-dev/gatehouse/controller/model"
)

// PullRequestOpener opens a pull request on the access repo's host. head
// is the pushed branch, base the branch to merge into. The GitHub client
// satisfies it; tests use an in-memory one.
type PullRequestOpener interface {
	CreatePullRequest(ctx context.Context, head, base, title, body string) (number int, url string, err error)
}

// DefaultRemote is the remote a request branch is pushed to.
const DefaultRemote = "origin"

// Checkout is a local clone of the access repo, read at the tip of its
// default branch: the organisation a new request is checked against and
// the commit its branch starts from. Opening a Checkout writes nothing.
type Checkout struct {
	// Org is the organisation on the default branch.
	Org *model.Org
	// BaseBranch is the default branch's name, e.g. "main".
	BaseBranch string
	// Base is the commit the request's branch starts from.
	Base plumbing.Hash
	// Prefix is the access repo's folder inside the Git repository ("" at
	// its top), slash-separated.
	Prefix string

	dir  string
	repo *git.Repository
	tree *object.Tree
}

// OpenCheckout opens the Git checkout holding dir (the access repo, or a
// folder of the Git repository that holds it) and loads the organisation
// at the tip of the default branch: origin's HEAD when the clone knows it,
// else main or master; the remote-tracking branch when it is ahead of the
// local one. An organisation with errors is refused: requests are checked
// against it, and gatehouse plan would refuse the pull request anyway.
func OpenCheckout(ctx context.Context, dir string) (*Checkout, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open the access repo's checkout %s: %w; run gatehouse request inside a clone of the access repo, or pass --repo", dir, err)
	}
	branch, base, err := defaultBranch(repo)
	if err != nil {
		return nil, fmt.Errorf("open the access repo's checkout %s: %w", dir, err)
	}
	commit, err := repo.CommitObject(base)
	if err != nil {
		return nil, fmt.Errorf("read %s (%s) in %s: %w", branch, base, dir, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("read the tree of %s (%s) in %s: %w", branch, base, dir, err)
	}
	gr, err := gitrepo.Open(dir)
	if err != nil {
		return nil, err
	}
	prefix := gr.Prefix()
	_ = gr.Close()

	src, err := load.RevSource(dir, base.String())
	if err != nil {
		return nil, err
	}
	org, findings, err := load.Load(ctx, src, load.Options{})
	if c, ok := src.(io.Closer); ok {
		_ = c.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("load the access repo at %s (%s): %w", branch, short(base), err)
	}
	if n := findings.Errors(); n > 0 {
		return nil, fmt.Errorf("the access repo has %d errors on %s (%s); fix them first (gatehouse validate --repo %s --rev %s lists them)", n, branch, short(base), dir, branch)
	}
	return &Checkout{Org: org, BaseBranch: branch, Base: base, Prefix: prefix, dir: dir, repo: repo, tree: tree}, nil
}

// defaultBranch finds the default branch and the commit to start from.
func defaultBranch(repo *git.Repository) (string, plumbing.Hash, error) {
	var candidates []string
	if ref, err := repo.Reference(plumbing.NewRemoteHEADReferenceName(DefaultRemote), false); err == nil && ref.Type() == plumbing.SymbolicReference {
		if name, ok := strings.CutPrefix(ref.Target().String(), "refs/remotes/"+DefaultRemote+"/"); ok {
			candidates = append(candidates, name)
		}
	}
	candidates = append(candidates, "main", "master")
	for _, name := range candidates {
		local, lerr := repo.Reference(plumbing.NewBranchReferenceName(name), true)
		remote, rerr := repo.Reference(plumbing.NewRemoteReferenceName(DefaultRemote, name), true)
		switch {
		case lerr == nil && rerr == nil:
			if local.Hash() != remote.Hash() && isAncestor(repo, local.Hash(), remote.Hash()) {
				return name, remote.Hash(), nil
			}
			return name, local.Hash(), nil
		case lerr == nil:
			return name, local.Hash(), nil
		case rerr == nil:
			return name, remote.Hash(), nil
		}
	}
	return "", plumbing.ZeroHash, errors.New("no default branch: neither origin's HEAD, main nor master exists; fetch the access repo's default branch first")
}

// isAncestor reports whether a is an ancestor of b.
func isAncestor(repo *git.Repository, a, b plumbing.Hash) bool {
	ca, err := repo.CommitObject(a)
	if err != nil {
		return false
	}
	cb, err := repo.CommitObject(b)
	if err != nil {
		return false
	}
	ok, err := ca.IsAncestor(cb)
	return err == nil && ok
}

func short(h plumbing.Hash) string { return h.String()[:7] }

// Author is who submits a request: the commit's author, and the Person
// they are in the organisation, when known.
type Author struct {
	// Person is the author's Person name, or "" when their email matches
	// no one.
	Person string
	Name   string
	Email  string
}

// Author returns who submits: the Person as when given (their email, or
// the Git user's when they have none), else the Git user of the checkout
// (user.name and user.email), matched to a Person by email.
func (c *Checkout) Author(as string) (Author, error) {
	gitName, gitEmail := c.gitUser()
	if as != "" {
		p := c.Org.PersonByName[as]
		if p == nil {
			return Author{}, fmt.Errorf("--as %q is not a person in the access repo; %s", as, suggestPerson(c.Org, as))
		}
		a := Author{Person: p.Name, Name: p.DisplayName, Email: p.Email}
		if a.Name == "" {
			a.Name = p.Name
		}
		if a.Email == "" {
			a.Email = gitEmail
		}
		if a.Email == "" {
			return Author{}, fmt.Errorf("%s has no email in the access repo and git has no user.email; add email to people/%s or run git config user.email", p.Name, p.Name)
		}
		return a, nil
	}
	if gitEmail == "" {
		return Author{}, errors.New("git has no user.email, so gatehouse cannot tell who you are; run git config user.email, or pass --as PERSON")
	}
	a := Author{Name: gitName, Email: gitEmail}
	if a.Name == "" {
		a.Name = gitEmail
	}
	for _, p := range c.Org.People {
		if p.Email != "" && strings.EqualFold(p.Email, gitEmail) {
			a.Person = p.Name
			break
		}
	}
	return a, nil
}

func (c *Checkout) gitUser() (name, email string) {
	cfg, err := c.repo.ConfigScoped(config.GlobalScope)
	if err != nil {
		return "", ""
	}
	return strings.TrimSpace(cfg.User.Name), strings.TrimSpace(cfg.User.Email)
}

// suggestPerson names the person closest to name, or says where people
// are listed.
func suggestPerson(org *model.Org, name string) string {
	best, bestD := "", 3
	for _, p := range org.People {
		if strings.EqualFold(p.Name, name) {
			return fmt.Sprintf("did you mean %q?", p.Name)
		}
		if d := levenshtein.ComputeDistance(strings.ToLower(name), strings.ToLower(p.Name)); d < bestD {
			best, bestD = p.Name, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "name a Person in people/"
}

// SubmitOptions say who submits and how far Submit goes.
type SubmitOptions struct {
	// Author is who commits; Author.Person is the requester named in the
	// pull request when they ask for someone else.
	Author Author
	// Push pushes the branch to Remote (DefaultRemote when empty) with
	// Auth. Without it Submit stops after the local branch.
	Push   bool
	Remote string
	Auth   transport.AuthMethod
	// Opener opens the pull request once the branch is pushed; nil leaves
	// that to the engineer.
	Opener PullRequestOpener
	// Now is the commit's time; the zero value means time.Now().
	Now time.Time
}

// Result is what Submit did.
type Result struct {
	// File is the request file, its path relative to the access repo.
	File File
	// RepoPath is the file's path relative to the Git repository's top.
	RepoPath string
	// Branch is the new branch's name, e.g. request/alice-github-member.
	Branch string
	// BaseBranch and Base are where the branch starts.
	BaseBranch string
	Base       plumbing.Hash
	// Commit is the commit on Branch that adds File.
	Commit plumbing.Hash
	// Title and Body describe the request for the pull request (the
	// commit's message is the two joined).
	Title, Body string
	// Remote is where the branch was pushed; empty when it was not.
	Remote string
	// Number and URL identify the opened pull request; zero and empty
	// when none was opened.
	Number int
	URL    string
}

// Submit checks in against the organisation (see Prepare), and when it
// passes commits the request file on a new branch named
// request/<person>-<system>-<level>[-N] from the base commit, then pushes
// the branch and opens the pull request as opts ask. The commit is written
// straight into the object store: the working tree, the index and the
// current branch are left alone. A refused request writes nothing. When a
// later step fails, Submit returns what it did so far with the error.
func (c *Checkout) Submit(ctx context.Context, in Input, opts SubmitOptions) (*Result, error) {
	trees := c.requestTrees()
	in.Taken = func(p string) bool {
		for _, t := range trees {
			if _, err := t.FindEntry(c.repoPath(p)); err == nil {
				return true
			}
		}
		return false
	}
	if in.Modeline == "" {
		in.Modeline = c.modeline(in.System)
	}
	f, err := Prepare(c.Org, in)
	if err != nil {
		return nil, err
	}
	requester := opts.Author.Person
	res := &Result{
		File:       f,
		RepoPath:   c.repoPath(f.Path),
		BaseBranch: c.BaseBranch,
		Base:       c.Base,
		Title:      Title(f.Request),
		Body:       Body(c.Org, f, requester),
	}
	res.Branch = c.branchName(f.Request)
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	res.Commit, err = c.commit(res, opts.Author, now)
	if err != nil {
		return nil, err
	}
	ref := plumbing.NewHashReference(plumbing.NewBranchReferenceName(res.Branch), res.Commit)
	if err := c.repo.Storer.SetReference(ref); err != nil {
		return nil, fmt.Errorf("create branch %s in %s: %w", res.Branch, c.dir, err)
	}
	if !opts.Push {
		return res, nil
	}
	remote := opts.Remote
	if remote == "" {
		remote = DefaultRemote
	}
	spec := config.RefSpec(ref.Name().String() + ":" + ref.Name().String())
	err = c.repo.PushContext(ctx, &git.PushOptions{RemoteName: remote, RefSpecs: []config.RefSpec{spec}, Auth: opts.Auth})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return res, fmt.Errorf("push branch %s to %s: %w; the branch is committed locally: push it with git push %s %s", res.Branch, remote, err, remote, res.Branch)
	}
	res.Remote = remote
	if opts.Opener == nil {
		return res, nil
	}
	res.Number, res.URL, err = opts.Opener.CreatePullRequest(ctx, res.Branch, c.BaseBranch, res.Title, res.Body)
	if err != nil {
		return res, fmt.Errorf("open the pull request for %s: %w; the branch is pushed: open a pull request from %s into %s by hand", res.Branch, err, res.Branch, c.BaseBranch)
	}
	return res, nil
}

// requestTrees returns the base tree and the trees at the tips of the
// request branches (local and origin's): a new request's file must be
// new to all of them, or two pending requests would clash when merged.
func (c *Checkout) requestTrees() []*object.Tree {
	trees := []*object.Tree{c.tree}
	refs, err := c.repo.References()
	if err != nil {
		return trees
	}
	_ = refs.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		if ref.Type() != plumbing.HashReference ||
			!strings.HasPrefix(name, "refs/heads/request/") && !strings.HasPrefix(name, "refs/remotes/"+DefaultRemote+"/request/") {
			return nil
		}
		if commit, err := c.repo.CommitObject(ref.Hash()); err == nil {
			if t, err := commit.Tree(); err == nil {
				trees = append(trees, t)
			}
		}
		return nil
	})
	return trees
}

// repoPath turns a path of the access repo into one of the Git repository.
func (c *Checkout) repoPath(p string) string {
	if c.Prefix == "" {
		return p
	}
	return c.Prefix + "/" + p
}

// modeline copies the first line of an existing request as deep in the
// tree as the new one (access/<system>/<file>), so that a relative schema
// path still points at the schema; a request of the same system first.
func (c *Checkout) modeline(system string) string {
	reqs := append([]*model.AccessRequest(nil), c.Org.Requests...)
	sort.SliceStable(reqs, func(i, j int) bool {
		return reqs[i].System == system && reqs[j].System != system
	})
	for _, r := range reqs {
		if strings.Count(r.File, "/") != 2 || !strings.HasPrefix(r.File, "access/") {
			continue
		}
		f, err := c.tree.File(c.repoPath(r.File))
		if err != nil {
			continue
		}
		text, err := f.Contents()
		if err != nil {
			continue
		}
		line, _, _ := strings.Cut(text, "\n")
		if line = strings.TrimRight(line, "\r "); IsModeline(line) {
			return line
		}
	}
	return ""
}

// branchName picks request/<person>-<system>-<level>, with -2, -3, ...
// when a local or remote-tracking branch has that name.
func (c *Checkout) branchName(req *model.AccessRequest) string {
	stem := "request/" + pathPart(req.Person) + "-" + pathPart(req.System)
	if req.Level != "" {
		stem += "-" + pathPart(req.Level)
	}
	for n := 1; ; n++ {
		name := stem
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		_, lerr := c.repo.Reference(plumbing.NewBranchReferenceName(name), false)
		_, rerr := c.repo.Reference(plumbing.NewRemoteReferenceName(DefaultRemote, name), false)
		if lerr != nil && rerr != nil {
			return name
		}
	}
}

// commit writes the base tree plus the request file and a commit of it as
// a child of the base.
func (c *Checkout) commit(res *Result, author Author, now time.Time) (plumbing.Hash, error) {
	fail := func(err error) (plumbing.Hash, error) {
		return plumbing.ZeroHash, fmt.Errorf("commit %s in %s: %w", res.RepoPath, c.dir, err)
	}
	blob, err := c.store(func(obj plumbing.EncodedObject) error {
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return err
		}
		if _, err := w.Write(res.File.Data); err != nil {
			return err
		}
		return w.Close()
	})
	if err != nil {
		return fail(err)
	}
	root, err := c.addToTree(c.tree, strings.Split(res.RepoPath, "/"), blob)
	if err != nil {
		return fail(err)
	}
	sig := object.Signature{Name: author.Name, Email: author.Email, When: now}
	commit := &object.Commit{
		Author: sig, Committer: sig,
		Message:      res.Title + "\n\n" + res.Body,
		TreeHash:     root,
		ParentHashes: []plumbing.Hash{c.Base},
	}
	h, err := c.store(commit.Encode)
	if err != nil {
		return fail(err)
	}
	return h, nil
}

// store encodes an object with encode and writes it to the object store.
func (c *Checkout) store(encode func(plumbing.EncodedObject) error) (plumbing.Hash, error) {
	obj := c.repo.Storer.NewEncodedObject()
	if err := encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return c.repo.Storer.SetEncodedObject(obj)
}

// addToTree returns the hash of tree (nil for a new, empty one) with a
// regular file blob added at the path elems, writing the trees along it.
func (c *Checkout) addToTree(tree *object.Tree, elems []string, blob plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if tree != nil {
		entries = append(entries, tree.Entries...)
	}
	name := elems[0]
	i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == name })
	if len(elems) == 1 {
		if i >= 0 {
			return plumbing.ZeroHash, fmt.Errorf("%s already exists", name)
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob})
	} else {
		var sub *object.Tree
		if i >= 0 {
			if entries[i].Mode != filemode.Dir {
				return plumbing.ZeroHash, fmt.Errorf("%s is a file, not a folder", name)
			}
			t, err := c.repo.TreeObject(entries[i].Hash)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			sub = t
		}
		h, err := c.addToTree(sub, elems[1:], blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if i >= 0 {
			entries[i].Hash = h
		} else {
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
	}
	// Git orders entries by name, a folder's name as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(a, b int) bool { return key(entries[a]) < key(entries[b]) })
	t := &object.Tree{Entries: entries}
	return c.store(t.Encode)
}

// RemoteURL returns the URL of the checkout's remote (DefaultRemote when
// empty), or "" when there is none.
func (c *Checkout) RemoteURL(remote string) string {
	if remote == "" {
		remote = DefaultRemote
	}
	r, err := c.repo.Remote(remote)
	if err != nil || len(r.Config().URLs) == 0 {
		return ""
	}
	return r.Config().URLs[0]
}
