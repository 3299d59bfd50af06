// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ClassToken} from "../../contracts/ClassToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {ICascadePool} from "../../contracts/interfaces/ICascadePool.sol";
import {IClassFace} from "../../contracts/interfaces/IClassFace.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";

contract ClassTokenTest is SystemFixture {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    address internal carol;
    uint256 internal carolKey;

    function setUp() public {
        _deploySystem();
        (carol, carolKey) = makeAddrAndKey("carolSigner");
    }

    function _reward(uint256 amount) private {
        vm.deal(address(elv), amount);
        IAccounting.Report memory r = _emptyReport();
        r.elRewards = amount;
        _applyDirect(r);
    }

    function test_emitTransfer_revertsUnlessPool() public {
        _deposit(carol, 2, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IClassFace.NotPool.selector, stranger));
        vm.prank(stranger);
        tokens[2].emitTransfer(address(0), address(0), stranger, 1);
        // Not even another class's face: the pool alone reports moves.
        vm.expectRevert(abi.encodeWithSelector(IClassFace.NotPool.selector, address(tokens[1])));
        vm.prank(address(tokens[1]));
        tokens[2].emitTransfer(address(0), address(0), stranger, 1);
    }

    function test_emitMint_revertsUnlessPool() public {
        _deposit(carol, 2, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IClassFace.NotPool.selector, stranger));
        vm.prank(stranger);
        tokens[2].emitMint(stranger, 1);
        vm.expectRevert(abi.encodeWithSelector(IClassFace.NotPool.selector, address(tokens[1])));
        vm.prank(address(tokens[1]));
        tokens[2].emitMint(stranger, 1);
    }

    function test_deposit_emitsTheMintTransferFromTheFace() public {
        uint256 shares = pool.convertToShares(2, 1 ether);
        vm.expectEmit(address(tokens[2]));
        emit IERC20.Transfer(address(0), carol, shares);
        _deposit(carol, 2, 1 ether);
        assertEq(tokens[2].balanceOf(carol), shares, "minted to the receiver");
    }

    function test_faceTransfer_revertsUnlessThatClassFace() public {
        _deposit(carol, 2, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(ICascadePool.NotFace.selector, 2, stranger));
        vm.prank(stranger);
        pool.faceTransfer(2, carol, stranger, 1);
        // Face 1 cannot move class 2's balances.
        vm.expectRevert(abi.encodeWithSelector(ICascadePool.NotFace.selector, 2, address(tokens[1])));
        vm.prank(address(tokens[1]));
        pool.faceTransfer(2, carol, stranger, 1);
        // An unknown class has no face.
        vm.expectRevert(abi.encodeWithSelector(ICascadePool.NotFace.selector, 7, address(tokens[2])));
        vm.prank(address(tokens[2]));
        pool.faceTransfer(7, carol, stranger, 1);
        assertEq(tokens[2].balanceOf(carol), 1 ether, "balance unchanged");
    }

    /// A hostile contract calling the pool's face entry directly, for any class id, holder,
    /// receiver and amount, moves nothing: every class balance and supply stays as it was.
    function test_faceTransfer_hostileCallerMovesNoBalance(
        address caller,
        uint256 classId,
        address to,
        uint256 amount
    ) public {
        // address(0) is no one's msg.sender (it would "be" the zero face of an unknown class,
        // whose balances are all empty).
        vm.assume(caller != address(0));
        for (uint256 k; k < tokens.length; ++k) vm.assume(caller != address(tokens[k]));
        // Junior first, so each senior deposit has its cover.
        for (uint256 k = tokens.length; k != 0; --k) _deposit(carol, k - 1, 1 ether);
        classId = bound(classId, 0, 300);
        amount = bound(amount, 0, 2 ether);
        vm.expectRevert(abi.encodeWithSelector(ICascadePool.NotFace.selector, classId, caller));
        vm.prank(caller);
        pool.faceTransfer(classId, carol, to, amount);
        for (uint256 k; k < tokens.length; ++k) {
            assertEq(tokens[k].balanceOf(carol), 1 ether, "holder's balance unchanged");
            assertEq(tokens[k].totalSupply(), 1 ether, "supply unchanged");
        }
    }

    function test_requestRedeem_revertsOnInsufficientBalanceBeforeAllowance() public {
        _deposit(carol, 2, 1 ether);
        // No allowance either: the pool ledger's balance error comes first.
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, carol, 1 ether, 2 ether)
        );
        vm.prank(stranger);
        pool.requestRedeem(2, 2 ether, stranger, carol);
    }

    function test_requestRedeem_escrowsSharesInThePool() public {
        _deposit(carol, 2, 1 ether);
        vm.expectEmit(address(tokens[2]));
        emit IERC20.Transfer(carol, address(pool), 0.4 ether);
        _request(carol, 2, 0.4 ether);
        assertEq(tokens[2].balanceOf(address(pool)), 0.4 ether, "escrowed");
        assertEq(tokens[2].balanceOf(carol), 0.6 ether, "rest kept");
        assertEq(tokens[2].totalSupply(), 1 ether, "escrow stays in the supply until finalized");
    }

    function test_permit_setsAllowanceFromSignature() public {
        ClassToken t = tokens[2];
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, carol, stranger, 5 ether, t.nonces(carol), deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", t.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(carolKey, digest);
        t.permit(carol, stranger, 5 ether, deadline, v, r, s);
        assertEq(t.allowance(carol, stranger), 5 ether, "allowance set by permit");
        assertEq(t.nonces(carol), 1, "nonce used");
        vm.expectRevert();
        t.permit(carol, stranger, 5 ether, deadline, v, r, s);
    }

    function test_price_isOneEtherPerShareWhenEmpty() public view {
        // ⌊1e18 · (0 + 1) / (0 + 1)⌋
        assertEq(tokens[2].price(), 1 ether, "empty class prices at 1");
        assertEq(tokens[2].nav(), 0, "nav");
    }

    function test_price_followsNavOverSupply(uint256 reward) public {
        reward = bound(reward, 1, 100 ether);
        _deposit(carol, 2, 10 ether);
        _reward(reward);
        uint256 nav = book.navOf(2);
        uint256 supply = tokens[2].totalSupply();
        assertEq(tokens[2].nav(), nav, "nav view");
        assertEq(tokens[2].price(), (1 ether * (nav + 1)) / (supply + 1), "price = 1e18*(N+1)/(S+1)");
        assertEq(tokens[2].convertToAssets(3 ether), (3 ether * (nav + 1)) / (supply + 1), "assets down");
        assertEq(tokens[2].convertToShares(3 ether), (3 ether * (supply + 1)) / (nav + 1), "shares down");
        // round trip never creates value
        assertLe(tokens[2].convertToAssets(tokens[2].convertToShares(3 ether)), 3 ether, "round trip down");
    }
}
